package cached

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/sharedbudget"
)

// limiter is the call budget: this replica's own token buckets (budget, the
// default) or a budget shared with the other replicas (shared).
type limiter interface {
	// allow takes a token if one is there now.
	allow(ctx context.Context, region ivs.Region, op Op, now time.Time) bool
	// wait takes a token, waiting at most max (and no longer than ctx
	// allows); errBudgetWait when no token can come in time.
	wait(ctx context.Context, region ivs.Region, op Op, max time.Duration) error
}

func newLimiter(opts Options) limiter {
	if opts.Shared != nil {
		return newShared(opts)
	}
	return newBudget(opts)
}

// budget holds one token bucket per region and operation: the account's
// quota is per region and operation, so is ours.
type budget struct {
	opts Options
	mu   sync.RWMutex
	m    map[budgetKey]*rate.Limiter
}

type budgetKey struct {
	region ivs.Region
	op     Op
}

func newBudget(opts Options) *budget {
	return &budget{opts: opts, m: make(map[budgetKey]*rate.Limiter)}
}

func (b *budget) limiter(region ivs.Region, op Op) *rate.Limiter {
	k := budgetKey{region, op}
	b.mu.RLock()
	l := b.m[k]
	b.mu.RUnlock()
	if l != nil {
		return l
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if l = b.m[k]; l == nil {
		c := b.opts.budget(op)
		lim := rate.Limit(c.Rate)
		if math.IsInf(c.Rate, 1) {
			lim = rate.Inf
		}
		l = rate.NewLimiter(lim, c.Burst)
		b.m[k] = l
	}
	return l
}

// allow takes a token if one is there now.
func (b *budget) allow(_ context.Context, region ivs.Region, op Op, now time.Time) bool {
	return b.limiter(region, op).AllowN(now, 1)
}

// errBudgetWait is returned by wait when the budget has no token in time.
var errBudgetWait = errors.New("call budget spent")

// wait takes a token, waiting at most max (and no longer than ctx allows).
// It reserves only when a token can come in time: cancelling a reservation
// after others were made does not give its token back in full, so refusing
// by reserve-then-cancel under load would starve the bucket.
func (b *budget) wait(ctx context.Context, region ivs.Region, op Op, max time.Duration) error {
	l := b.limiter(region, op)
	now := b.opts.Now()
	if dl, ok := ctx.Deadline(); ok && dl.Sub(now) < max {
		max = dl.Sub(now)
	}
	if need := 1 - l.TokensAt(now); need > 0 && l.Limit() != rate.Inf &&
		time.Duration(need/float64(l.Limit())*float64(time.Second)) > max {
		return errBudgetWait
	}
	r := l.ReserveN(now, 1)
	if !r.OK() {
		return errBudgetWait
	}
	d := r.DelayFrom(now)
	if d == 0 {
		return nil
	}
	// Concurrent waiters may have queued in between: allow some slack
	// rather than cancel (see above).
	if d > 2*max {
		r.CancelAt(now)
		return errBudgetWait
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		r.CancelAt(b.opts.Now())
		return ctx.Err()
	}
}

// shared takes tokens from Options.Shared, with each operation's Budget as
// the whole cluster's. It does not use Options.Now: Redis keeps the time.
type shared struct {
	b      *sharedbudget.Budget
	limits [numOps]sharedbudget.Limit
}

func newShared(opts Options) *shared {
	s := &shared{b: opts.Shared}
	for op := range numOps {
		c := opts.budget(op)
		s.limits[op] = sharedbudget.Limit{Rate: c.Rate, Burst: c.Burst}
	}
	return s
}

func (s *shared) allow(ctx context.Context, region ivs.Region, op Op, _ time.Time) bool {
	return s.b.Allow(ctx, string(region), op.String(), s.limits[op])
}

func (s *shared) wait(ctx context.Context, region ivs.Region, op Op, max time.Duration) error {
	err := s.b.Wait(ctx, string(region), op.String(), s.limits[op], max)
	if errors.Is(err, sharedbudget.ErrNoToken) {
		return errBudgetWait
	}
	return err
}

// throttled is the domain error a caller gets when the budget stays spent.
func throttled(op Op, region ivs.Region) *ivs.Error {
	return &ivs.Error{
		Kind:    ivs.KindThrottled,
		Op:      op.String(),
		Message: "the console's IVS call budget for " + op.String() + " in " + string(region) + " is spent for now; try again in a few seconds",
		Err:     errBudgetWait,
	}
}
