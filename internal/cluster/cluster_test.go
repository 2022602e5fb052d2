package cluster

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/pgdb"
	"github.com/greenroom-dev/greenroom/internal/pgtest"
	"github.com/greenroom-dev/greenroom/internal/watch"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func open(t *testing.T) string {
	url := pgtest.NewDatabase(t)
	pool, err := pgdb.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	pool.Close()
	return url
}

// Two electors over one database: exactly one leads at a time, and when
// it stops, the other takes over within its retry interval.
func TestOneLeaderAtATimeAndATakeOver(t *testing.T) {
	url := open(t)
	var leading atomic.Int32
	var overlap atomic.Bool
	run := func(id string) (*Elector, context.CancelFunc, chan struct{}) {
		pool, err := pgdb.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(pool.Close)
		e := NewElector(pool, id, quiet)
		e.RetryEvery = 200 * time.Millisecond
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			e.Run(ctx, func(ctx context.Context) {
				if leading.Add(1) > 1 {
					overlap.Store(true)
				}
				<-ctx.Done()
				leading.Add(-1)
			})
		}()
		return e, cancel, done
	}
	a, stopA, doneA := run("a")
	b, stopB, doneB := run("b")
	waitFor(t, "one leader", 5*time.Second, func() bool { return leading.Load() == 1 })
	time.Sleep(time.Second) // several rounds of campaigning
	la, _ := a.Leading()
	lb, _ := b.Leading()
	if la == lb || overlap.Load() {
		t.Fatalf("a leads %v, b leads %v, overlap %v", la, lb, overlap.Load())
	}
	stopLeader, doneLeader, second, stopOther, doneOther := stopA, doneA, b, stopB, doneB
	if lb {
		stopLeader, doneLeader, second, stopOther, doneOther = stopB, doneB, a, stopA, doneA
	}
	defer func() { stopOther(); <-doneOther }()
	stopLeader()
	<-doneLeader
	start := time.Now()
	waitFor(t, "the other takes over", 3*time.Second, func() bool { l, _ := second.Leading(); return l })
	t.Logf("took over %v after the leader stopped", time.Since(start).Round(time.Millisecond))
	if overlap.Load() {
		t.Error("two leaders at once")
	}
}

// The leader's model reaches a follower's model through the database, and
// a late write of a former leader does not take it back in time.
func TestFollowersMirrorTheLeadersModel(t *testing.T) {
	url := open(t)
	pool, err := pgdb.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	regions := []ivs.Region{"us-east-1"}
	leader, follower := watch.NewModel(regions), watch.NewModel(regions)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go Publish(ctx, pool, leader, "r1", quiet)
	go Follow(ctx, pool, follower, "r2", quiet)

	at := time.Now().UTC().Truncate(time.Millisecond)
	leader.Put(&watch.Region{Region: "us-east-1", SweptAt: at, Stages: []*watch.Stage{{Region: "us-east-1",
		Stage: ivs.Stage{ARN: "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEfGhIjKl", Name: "main"}, Health: watch.HealthDegraded}}})
	waitFor(t, "the follower sees the leader's model", 3*time.Second, func() bool {
		rg := follower.Snapshot().Region("us-east-1")
		return rg.SweptAt.Equal(at) && len(rg.Stages) == 1 && rg.Stages[0].Health == watch.HealthDegraded
	})
	who, when, err := Leader(ctx, pool)
	if err != nil || who != "r1" || time.Since(when) > time.Minute {
		t.Errorf("leader %q at %v, %v", who, when, err)
	}
	// A former leader's late write of an older sweep changes nothing.
	if err := write(ctx, pool, &watch.Region{Region: "us-east-1", SweptAt: at.Add(-time.Minute)}, "r0"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if rg := follower.Snapshot().Region("us-east-1"); !rg.SweptAt.Equal(at) || len(rg.Stages) != 1 {
		t.Errorf("an older model replaced the newer one: %+v", rg)
	}
}

func waitFor(t *testing.T, what string, within time.Duration, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("%s: not within %v", what, within)
}
