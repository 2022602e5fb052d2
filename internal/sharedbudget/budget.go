package sharedbudget

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/greenroom-dev/greenroom/internal/metrics"
)

// Limit is the cluster-wide budget of one operation: Rate calls per second
// with bursts of Burst, for all replicas together. Rate math.Inf(1) turns
// the budget off.
type Limit struct {
	Rate  float64
	Burst int
}

// Options configure a Budget.
type Options struct {
	// Pool names the budget's share of the account's calls: "pages" or
	// "watch". Required; it is part of the keys and the metrics' label
	// (so a process makes one Budget per pool).
	Pool string
	// Replicas is how many replicas share the budget (at least 1): while
	// Redis is unreachable each spends rate ÷ Replicas.
	Replicas int
	// Prefix starts every key. Default "greenroom:budget:".
	Prefix string
	// CallTimeout bounds each Redis call. Default 100 ms.
	CallTimeout time.Duration
	// ProbeEvery is how often Redis is tried again while falling back.
	// Default 3 s.
	ProbeEvery time.Duration
	// Logger receives one line per change of state. Default slog.Default().
	Logger *slog.Logger
}

// Mode is whether a Budget is shared through Redis or falls back.
type Mode string

const (
	// Shared: every call takes its token from Redis.
	Shared Mode = "shared"
	// Fallback: Redis failed; calls take tokens from this replica's share.
	Fallback Mode = "fallback"
)

// Status is what /readyz shows of a Budget.
type Status struct {
	Pool     string `json:"pool"`
	Mode     Mode   `json:"mode"`
	Replicas int    `json:"replicas"`
	// Since is when the Budget entered Mode (for Shared at first: when it
	// was made).
	Since time.Time `json:"since"`
	// LastError is the text of the last Redis failure, password redacted;
	// empty if Redis never failed. It stays after a return to Shared.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
}

// ErrNoToken is Wait's answer when no token can come in time.
var ErrNoToken = errors.New("sharedbudget: no call budget token in time")

// Budget is one pool's call budget shared through Redis, per region and
// operation. Safe for concurrent use.
type Budget struct {
	opts    Options
	rdb     redis.UniversalClient
	lim     *redis_rate.Limiter
	secrets []string // scrubbed from error texts
	log     *slog.Logger
	shared  prometheus.Gauge
	trips   prometheus.Counter

	fallback  atomic.Bool
	gen       atomic.Uint64 // bumped at each change of state
	nextProbe atomic.Int64  // Unix ns
	probing   atomic.Bool

	mu     sync.Mutex // guards the state below
	since  time.Time
	errMsg string
	errAt  time.Time

	localMu sync.Mutex
	local   map[localKey]*rate.Limiter
}

type localKey struct {
	region, op string
	l          Limit
}

// New makes a pool's Budget on a Redis client (see NewClient). It does no
// I/O: a Redis that is down at start makes the first call fall back.
func New(rdb redis.UniversalClient, opts Options) (*Budget, error) {
	if opts.Pool == "" {
		return nil, errors.New("sharedbudget: a pool name is required")
	}
	if opts.Replicas < 1 {
		return nil, fmt.Errorf("sharedbudget: replicas must be at least 1, not %d", opts.Replicas)
	}
	if opts.Prefix == "" {
		opts.Prefix = "greenroom:budget:"
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = 100 * time.Millisecond
	}
	if opts.ProbeEvery <= 0 {
		opts.ProbeEvery = 3 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	b := &Budget{
		opts:   opts,
		rdb:    rdb,
		lim:    redis_rate.NewLimiter(rdb),
		log:    opts.Logger.With(slog.String("pool", opts.Pool), slog.Int("replicas", opts.Replicas)),
		shared: metrics.CallBudgetShared.WithLabelValues(opts.Pool),
		trips:  metrics.CallBudgetFallbacks.WithLabelValues(opts.Pool),
		since:  time.Now(),
		local:  map[localKey]*rate.Limiter{},
	}
	if c, ok := rdb.(interface{ Options() *redis.Options }); ok {
		if o := c.Options(); o.Password != "" {
			b.secrets = []string{o.Password}
		}
	}
	b.shared.Set(1)
	return b, nil
}

// Allow takes a token if one is there now.
func (b *Budget) Allow(ctx context.Context, region, op string, l Limit) bool {
	if math.IsInf(l.Rate, 1) {
		return true
	}
	if !b.fallback.Load() {
		ok, _, err := b.take(ctx, region, op, l)
		if err == nil {
			return ok
		}
		if ctx.Err() != nil {
			return false
		}
	} else {
		b.maybeProbe()
	}
	return b.localLimiter(region, op, l).Allow()
}

// Wait takes a token, waiting at most max and no longer than ctx allows. It
// returns ErrNoToken at once when no token can come in time, and ctx's
// error when ctx ends first.
//
// Shared, it retries after the wait Redis says (the GCRA takes no
// reservations), so waiters that lose the race for a token may still be
// refused at the bound; falling back, it reserves a local token as the
// local budget does.
func (b *Budget) Wait(ctx context.Context, region, op string, l Limit, max time.Duration) error {
	if math.IsInf(l.Rate, 1) {
		return nil
	}
	deadline := time.Now().Add(max)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	for {
		if b.fallback.Load() {
			b.maybeProbe()
			return localWait(ctx, b.localLimiter(region, op, l), time.Until(deadline))
		}
		ok, retry, err := b.take(ctx, region, op, l)
		switch {
		case err != nil && ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			continue // fell back
		case ok:
			return nil
		}
		if retry < 0 || retry > time.Until(deadline) {
			return ErrNoToken
		}
		t := time.NewTimer(retry)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// Status says whether the budget is shared, since when, and the last error.
// While falling back, asking is also a chance to probe Redis again, so that
// /readyz sees Redis come back even when no IVS call is made.
func (b *Budget) Status() Status {
	if b.fallback.Load() {
		b.maybeProbe()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s := Status{Pool: b.opts.Pool, Mode: Shared, Replicas: b.opts.Replicas, Since: b.since, LastError: b.errMsg, LastErrorAt: b.errAt}
	if b.fallback.Load() {
		s.Mode = Fallback
	}
	return s
}

// take asks Redis for a token. An error is Redis's (the Budget has fallen
// back) unless ctx has ended.
func (b *Budget) take(ctx context.Context, region, op string, l Limit) (ok bool, retry time.Duration, err error) {
	if l.Rate <= 0 {
		return false, -1, nil
	}
	gen := b.gen.Load()
	cctx, cancel := context.WithTimeout(ctx, b.opts.CallTimeout)
	res, err := b.lim.Allow(cctx, b.key(region, op), redisLimit(l))
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			b.trip(gen, err)
		}
		return false, 0, err
	}
	return res.Allowed > 0, res.RetryAfter, nil
}

func (b *Budget) key(region, op string) string {
	return b.opts.Prefix + b.opts.Pool + ":" + region + ":" + op
}

// redisLimit is l in redis_rate's terms: one call per emission interval.
func redisLimit(l Limit) redis_rate.Limit {
	period := time.Duration(float64(time.Second) / l.Rate)
	return redis_rate.Limit{Rate: 1, Period: max(period, time.Nanosecond), Burst: max(l.Burst, 1)}
}

// trip falls back after a Redis failure seen in state generation gen (a
// call that started before the last change of state changes nothing).
func (b *Budget) trip(gen uint64, err error) {
	msg := b.redactErr(err)
	now := time.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	b.errMsg, b.errAt = msg, now
	if b.fallback.Load() || b.gen.Load() != gen {
		return
	}
	b.since = now
	b.nextProbe.Store(now.Add(b.opts.ProbeEvery).UnixNano())
	b.gen.Add(1)
	b.fallback.Store(true)
	b.shared.Set(0)
	b.trips.Inc()
	b.log.Warn("call budget: Redis failed, falling back to this replica's share of the budget", "error", msg)
}

// maybeProbe starts a probe of Redis when one is due and none runs. The
// probe runs off the request path: no request pays its timeout.
func (b *Budget) maybeProbe() {
	if time.Now().UnixNano() < b.nextProbe.Load() || !b.probing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer b.probing.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), b.opts.CallTimeout)
		defer cancel()
		// A zero-cost take runs the rate script (loading it into a Redis
		// that restarted empty) without spending or writing anything.
		_, err := b.lim.AllowN(ctx, b.opts.Prefix+b.opts.Pool+":probe", redis_rate.PerSecond(1), 0)
		b.probed(err)
	}()
}

func (b *Budget) probed(err error) {
	now := time.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	if err != nil {
		b.errMsg, b.errAt = b.redactErr(err), now
		b.nextProbe.Store(now.Add(b.opts.ProbeEvery).UnixNano())
		return
	}
	if !b.fallback.Load() {
		return
	}
	b.since = now
	b.gen.Add(1)
	b.fallback.Store(false)
	b.shared.Set(1)
	b.log.Info("call budget: Redis answers again, the budget is shared again")
}

// localLimiter is this replica's share of l, for falling back.
func (b *Budget) localLimiter(region, op string, l Limit) *rate.Limiter {
	k := localKey{region, op, l}
	b.localMu.Lock()
	defer b.localMu.Unlock()
	lim := b.local[k]
	if lim == nil {
		n := b.opts.Replicas
		r := rate.Limit(l.Rate / float64(n))
		if math.IsInf(l.Rate, 1) {
			r = rate.Inf
		}
		lim = rate.NewLimiter(r, max(1, l.Burst/n))
		b.local[k] = lim
	}
	return lim
}

// localWait takes a local token, waiting at most max (see the local budget
// of internal/ivs/cached, whose semantics it keeps): it reserves only when a
// token can come in time.
func localWait(ctx context.Context, l *rate.Limiter, max time.Duration) error {
	now := time.Now()
	if need := 1 - l.TokensAt(now); need > 0 && l.Limit() != rate.Inf &&
		(l.Limit() <= 0 || time.Duration(need/float64(l.Limit())*float64(time.Second)) > max) {
		return ErrNoToken
	}
	r := l.ReserveN(now, 1)
	if !r.OK() {
		return ErrNoToken
	}
	d := r.DelayFrom(now)
	if d == 0 {
		return nil
	}
	if d > 2*max {
		r.CancelAt(now)
		return ErrNoToken
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.CancelAt(time.Now())
		return ctx.Err()
	}
}

// redactErr is err's text without the password.
func (b *Budget) redactErr(err error) string {
	msg := err.Error()
	for _, s := range b.secrets {
		msg = strings.ReplaceAll(msg, s, redacted)
	}
	return msg
}
