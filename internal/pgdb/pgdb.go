// Package pgdb opens the PostgreSQL database that several console replicas
// share, and brings its schema up to date (goose, migrations/) under a
// session advisory lock, so that replicas starting together migrate it
// once. It refuses a database migrated by a newer console.
package pgdb

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/greenroom-dev/greenroom/internal/migrate"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrations embed.FS

// ErrSchemaTooNew is matched (errors.Is) by Open's error for a database
// whose schema is newer than this binary's migrations; errors.As gives a
// *migrate.TooNewError with both versions.
var ErrSchemaTooNew = migrate.ErrSchemaTooNew

// Open connects a pool to url (a postgres:// URL or DSN), checks that the
// server answers and migrates the schema. The caller closes the pool.
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if err := Migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return pool, nil
}

// Migrate applies the migrations pool's database lacks, holding goose's
// session advisory lock (one migrator at a time across replicas: the
// others wait for it, then find nothing to do).
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	// Retry the lock every second for up to five minutes.
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 300))
	if err != nil {
		return err
	}
	db := stdlib.OpenDBFromPool(pool) // closing it leaves the pool open
	defer db.Close()
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	return migrate.Up(ctx, goose.DialectPostgres, db, sub, goose.WithSessionLocker(locker))
}

// Newest is the version of the newest migration this binary embeds.
func Newest() int64 {
	entries, _ := fs.Glob(migrations, "migrations/*.sql")
	v, _ := goose.NumericComponent(entries[len(entries)-1])
	return v
}
