package audit

import (
	"context"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/pgtest"
)

// BenchmarkRecord measures one durable Record: an INSERT committed with an
// fsync of the WAL (synchronous=FULL), so the figure is dominated by the
// disk's flush latency.
func BenchmarkRecord(b *testing.B) {
	l, _ := openTest(b)
	ctx := context.Background()
	e := Event{Actor: "ann@example.com", Role: "keyholder", Region: "eu-west-1",
		Resource: "arn:aws:ivs:eu-west-1:123456789012:ingest-configuration/AbCdEf", Action: ActionReveal,
		Outcome: OutcomeSuccess, ClientAddr: "198.51.100.7", RequestID: "01JABCDEF", Detail: "primary and backup"}
	b.ReportAllocs()
	for b.Loop() {
		if err := l.Record(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordParallel shows that concurrent Records queue on the single
// writer connection rather than failing with SQLITE_BUSY.
func BenchmarkRecordParallel(b *testing.B) {
	l, _ := openTest(b)
	e := Event{Actor: "a", Action: ActionIngestUpdate, Outcome: OutcomeSuccess}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := l.Record(context.Background(), e); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

func BenchmarkQueryPage(b *testing.B) {
	l, _ := openTest(b)
	tx, _ := l.w.Begin()
	for range 10000 {
		_, _ = tx.Exec(`INSERT INTO audit_events (at_us, actor, action, outcome) VALUES (1, 'ann', 'ingest.reveal', 'success')`)
	}
	_ = tx.Commit()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := l.Query(context.Background(), Filter{Actor: "ann", Limit: 50}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPostgresAppend measures one durable Record on PostgreSQL: an
// autocommit INSERT ... RETURNING over loopback. The test cluster runs
// with fsync=off, so the figure is the round trip and the server's work,
// not a disk flush; a real server adds its WAL flush latency.
func BenchmarkPostgresAppend(b *testing.B) {
	l := openPostgres(b, pgtest.NewDatabase(b))
	ctx := context.Background()
	e := Event{Actor: "ann@example.com", Role: "keyholder", Region: "eu-west-1",
		Resource: "arn:aws:ivs:eu-west-1:123456789012:ingest-configuration/AbCdEf", Action: ActionReveal,
		Outcome: OutcomeSuccess, ClientAddr: "198.51.100.7", RequestID: "01JABCDEF", Detail: "primary and backup"}
	b.ReportAllocs()
	for b.Loop() {
		if err := l.Record(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
}
