package pgtest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The test binary's shared cluster, started by the first NewDatabase.
var (
	sharedOnce sync.Once
	shared     *Cluster
	sharedErr  error
	databases  atomic.Int64
)

// Main runs the tests and then removes the shared cluster, if one was
// started. Call it from TestMain: func TestMain(m *testing.M) { pgtest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if shared != nil {
		if err := shared.remove(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	os.Exit(code)
}

// NewDatabase creates an empty database on the shared cluster (starting
// it on first use) and returns its postgres:// URL. It skips t, or fails
// it under GREENROOM_TEST_REQUIRE_SERVERS=1, when there is no server.
func NewDatabase(t testing.TB) string {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = newCluster() })
	if sharedErr != nil {
		unavailable(t, sharedErr)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), databases.Add(1))
	if err := createDatabase(shared, name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	return shared.URL(name)
}

// StartCluster starts a cluster of t's own, removed when t ends, for a
// test that stops, kills or restarts its server. Its database "postgres"
// exists; CreateDatabase makes others.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	c, err := newCluster()
	if err != nil {
		unavailable(t, err)
	}
	t.Cleanup(func() {
		if err := c.remove(); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return c
}

// CreateDatabase creates an empty database on c and returns its URL.
func (c *Cluster) CreateDatabase(name string) (string, error) {
	if err := createDatabase(c, name); err != nil {
		return "", err
	}
	return c.URL(name), nil
}

func createDatabase(c *Cluster, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// unavailable skips t, or fails it when servers are required.
func unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("GREENROOM_TEST_REQUIRE_SERVERS") == "1" {
		t.Fatalf("pgtest: PostgreSQL is required (GREENROOM_TEST_REQUIRE_SERVERS=1) but unavailable: %v", err)
	}
	t.Skipf("pgtest: no PostgreSQL server: %v", err)
}
