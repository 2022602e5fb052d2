package pgtest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

func query(t *testing.T, url, q string) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNewDatabaseIsFreshAndSeparate(t *testing.T) {
	a, b := NewDatabase(t), NewDatabase(t)
	if a == b {
		t.Fatalf("same database twice: %s", a)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE TABLE x (y int)`); err != nil {
		t.Fatal(err)
	}
	if n := query(t, b, `SELECT count(*) FROM pg_tables WHERE tablename = 'x'`); n != 0 {
		t.Fatalf("table of database a visible in b")
	}
}

func TestClusterSurvivesKillAndRestart(t *testing.T) {
	c := StartCluster(t)
	url, err := c.CreateDatabase("k")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE x AS SELECT 42 AS y`); err != nil {
		t.Fatal(err)
	}
	if err := c.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := conn.Ping(ctx); err == nil {
		t.Fatal("connection alive after Kill")
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if n := query(t, url, `SELECT y FROM x`); n != 42 {
		t.Fatalf("y = %d after crash recovery", n)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if n := query(t, url, `SELECT y FROM x`); n != 42 {
		t.Fatalf("y = %d after restart", n)
	}
}
