package cluster

import (
	"context"
	"errors"
	"hash/fnv"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/greenroom-dev/greenroom/internal/metrics"
)

// LockName names the advisory lock the replicas of one console compete for.
const LockName = "greenroom: watcher leader"

// Elector campaigns for the lead and runs the leader's work while it has it.
type Elector struct {
	pool *pgxpool.Pool
	id   string
	key  int64
	// RetryEvery is how often a follower tries to take the lead, and how
	// often the leader checks it still holds it (default 2 s).
	RetryEvery time.Duration
	log        *slog.Logger

	leading atomic.Bool
	mu      sync.Mutex
	since   time.Time
}

// NewElector makes an elector for the replica id (shown to operators: the
// host name and port, say) over pool's database.
func NewElector(pool *pgxpool.Pool, id string, log *slog.Logger) *Elector {
	h := fnv.New64a()
	h.Write([]byte(LockName))
	return &Elector{pool: pool, id: id, key: int64(h.Sum64()), RetryEvery: 2 * time.Second, log: log}
}

// ID is this replica's name.
func (e *Elector) ID() string { return e.id }

// Leading reports whether this replica leads now, and since when.
func (e *Elector) Leading() (bool, time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.leading.Load(), e.since
}

// Run campaigns until ctx ends. Each time this replica wins, lead runs with
// a context that ends when the lead is lost or ctx ends; Run waits for it
// to return before campaigning again, so two terms never overlap here.
func (e *Elector) Run(ctx context.Context, lead func(ctx context.Context)) {
	metrics.Leader.Set(0)
	for ctx.Err() == nil {
		conn, err := e.campaign(ctx)
		if err != nil {
			if ctx.Err() == nil {
				e.log.Warn("cluster: cannot campaign for the lead; retrying", "error", err.Error())
			}
			sleep(ctx, e.RetryEvery)
			continue
		}
		if conn == nil {
			sleep(ctx, e.RetryEvery)
			continue
		}
		e.term(ctx, conn, lead)
	}
}

// campaign tries the lock once on a connection of its own; it returns the
// connection holding the lock, or nil when another replica holds it.
func (e *Elector) campaign(ctx context.Context) (*pgx.Conn, error) {
	cfg := e.pool.Config().ConnConfig.Copy()
	cfg.RuntimeParams["application_name"] = "greenroom leader " + e.id
	// Let the server notice a leader that vanished without closing its
	// socket (a lost node) and free the lock within ~9 s.
	cfg.RuntimeParams["tcp_keepalives_idle"] = "5"
	cfg.RuntimeParams["tcp_keepalives_interval"] = "2"
	cfg.RuntimeParams["tcp_keepalives_count"] = "2"
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(cctx, cfg)
	if err != nil {
		return nil, err
	}
	var won bool
	if err := conn.QueryRow(cctx, "SELECT pg_try_advisory_lock($1)", e.key).Scan(&won); err != nil {
		_ = conn.Close(context.Background())
		return nil, err
	}
	if !won {
		_ = conn.Close(context.Background())
		return nil, nil
	}
	return conn, nil
}

// term leads until the lock connection fails or ctx ends.
func (e *Elector) term(ctx context.Context, conn *pgx.Conn, lead func(ctx context.Context)) {
	lctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	e.setLeading(true)
	e.log.Info("cluster: this replica leads: it watches IVS and sends alerts", "replica", e.id)
	go func() { defer close(done); lead(lctx) }()

	t := time.NewTicker(e.RetryEvery)
	defer t.Stop()
	lost := error(nil)
	for lost == nil {
		select {
		case <-ctx.Done():
			lost = ctx.Err()
		case <-done:
			lost = errors.New("the leader's work ended")
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, e.RetryEvery)
			if err := conn.Ping(pctx); err != nil && ctx.Err() == nil {
				lost = err
			}
			cancel()
		}
	}
	stop()
	<-done
	e.setLeading(false)
	// A clean hand-over (shutdown, rolling restart) frees the lock at once;
	// after a failure, closing the connection frees it server-side.
	uctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	_, _ = conn.Exec(uctx, "SELECT pg_advisory_unlock($1)", e.key)
	_ = conn.Close(uctx)
	cancel()
	if ctx.Err() == nil {
		e.log.Warn("cluster: this replica lost the lead; another will take over", "replica", e.id, "reason", lost.Error())
	}
}

func (e *Elector) setLeading(v bool) {
	e.mu.Lock()
	e.leading.Store(v)
	e.since = time.Now()
	e.mu.Unlock()
	if v {
		metrics.Leader.Set(1)
	} else {
		metrics.Leader.Set(0)
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
