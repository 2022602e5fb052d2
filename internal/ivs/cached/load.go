package cached

import (
	"context"
	"errors"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// result is what one upstream read (or the cache standing in for it) gives
// every caller that shared it.
type result struct {
	v     any
	at    time.Time // when v was fetched
	stale bool
}

// hit is the hot path: a fresh cached value, or false. It allocates nothing.
func hit[T any](s *Service, op Op, k []byte) (T, bool) {
	var zero T
	if s.opts.Disabled {
		return zero, false
	}
	now := s.opts.Now()
	e := s.store.get(k, now)
	if e == nil || !now.Before(e.expires) {
		return zero, false
	}
	counters[op].hit.Inc()
	return e.v.(T), true
}

// load is the miss path, typed for the read methods.
func load[T any](ctx context.Context, s *Service, k []byte, sc scope, fetch func(context.Context) (T, error)) (T, error) {
	v, err := s.load(ctx, k, sc, func(ctx context.Context) (any, error) {
		t, err := fetch(ctx)
		if err != nil {
			return nil, err
		}
		return t, nil
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return v.(T), nil
}

// load joins or starts the flight for k. The flight runs on a context
// detached from the caller's, so one viewer leaving does not fail the call
// for the others; each caller still stops waiting when its own ctx ends.
func (s *Service) load(ctx context.Context, k []byte, sc scope, fetch func(context.Context) (any, error)) (any, error) {
	c := &counters[sc.op]
	if s.opts.Disabled {
		c.miss.Inc()
		r, err := s.flight(ctx, "", sc, 0, fetch)
		return r.v, err
	}
	ks := string(k) // copied: k may live on the caller's stack
	gen := s.store.generation()
	leader := false
	ch := s.group.DoChan(flightKey(k, gen), func() (any, error) {
		leader = true
		return s.flight(context.WithoutCancel(ctx), ks, sc, gen, fetch)
	})
	select {
	case r := <-ch:
		res, _ := r.Val.(result)
		switch {
		case res.stale:
			c.stale.Inc()
			ivs.MarkStale(ctx, res.at)
		case leader: // written before the flight's result was sent
			c.miss.Inc()
		default:
			c.coalesced.Inc()
		}
		return res.v, r.Err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// flight makes one upstream read under the budget, serving a stale value
// instead when the budget is spent or upstream fails, and stores the result.
func (s *Service) flight(ctx context.Context, k string, sc scope, gen uint64, fetch func(context.Context) (any, error)) (result, error) {
	op, c := sc.op, &counters[sc.op]
	now := s.opts.Now()
	var stale *entry
	if !s.opts.Disabled {
		if e := s.store.lookup(k, now); e != nil {
			if now.Before(e.expires) { // another flight just filled it
				return result{v: e.v, at: e.at}, nil
			}
			if now.Sub(e.at) <= s.opts.MaxStale {
				stale = e
			}
		}
	}
	if !s.budget.allow(ctx, sc.region, op, now) {
		if stale != nil {
			c.overBudget.Inc()
			return result{v: stale.v, at: stale.at, stale: true}, nil
		}
		if err := s.budget.wait(ctx, sc.region, op, s.opts.ReadWait); err != nil {
			c.refused.Inc()
			if errors.Is(err, errBudgetWait) {
				return result{}, throttled(op, sc.region)
			}
			return result{}, err
		}
		c.waited.Inc()
	}

	cctx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
	v, err := fetch(cctx)
	cancel()
	if err != nil {
		if stale != nil && transient(err) {
			return result{v: stale.v, at: stale.at, stale: true}, nil
		}
		if ivs.IsNotFound(err) && !s.opts.Disabled {
			s.store.remove(k)
		}
		return result{}, err
	}
	v, items := freeze(v)
	at := s.opts.Now()
	if !s.opts.Disabled {
		s.store.put(k, &entry{scope: sc, v: v, at: at, expires: at.Add(s.opts.ttl(op)), items: items}, gen, at)
	}
	return result{v: v, at: at}, nil
}

// transient errors are worth hiding behind a stale value; others (not
// found, access denied, validation) are answers the user must see.
func transient(err error) bool {
	switch ivs.KindOf(err) {
	case ivs.KindThrottled, ivs.KindUnavailable:
		return true
	}
	return errors.Is(err, context.DeadlineExceeded)
}
