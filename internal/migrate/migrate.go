// Package migrate brings a database's schema up to date with goose, the
// same way for SQLite (internal/sqlitedb) and PostgreSQL (internal/pgdb),
// and refuses a database migrated by a newer console.
package migrate

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// ErrSchemaTooNew is matched (errors.Is) by the error of Up for a database
// whose schema is newer than the migrations this binary embeds: an older
// console must not write tables it does not understand.
var ErrSchemaTooNew = errors.New("database schema is newer than this console knows")

// TooNewError says which versions: Version in the database, Known the
// newest this binary embeds.
type TooNewError struct {
	Version, Known int64
}

func (e *TooNewError) Error() string {
	return fmt.Sprintf("database schema is at version %d, newer than this console knows (%d): "+
		"run a console at least as new as the one that migrated it", e.Version, e.Known)
}

// Is makes errors.Is(err, ErrSchemaTooNew) true.
func (e *TooNewError) Is(target error) bool { return target == ErrSchemaTooNew }

// Up applies the migrations in fsys (goose SQL files) that db lacks, then
// checks that db is not ahead of them. opts add to goose's options (a
// session locker for PostgreSQL). It does not close db.
func Up(ctx context.Context, dialect goose.Dialect, db *sql.DB, fsys fs.FS, opts ...goose.ProviderOption) error {
	opts = append([]goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}, opts...)
	p, err := goose.NewProvider(dialect, db, fsys, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	// A database ahead of us has nothing for Up to apply: goose leaves it
	// alone, and the check below refuses it.
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	v, err := p.GetDBVersion(ctx)
	if err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	sources := p.ListSources()
	if known := sources[len(sources)-1].Version; v > known {
		return &TooNewError{Version: v, Known: known}
	}
	return nil
}
