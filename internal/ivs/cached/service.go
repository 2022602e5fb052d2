package cached

import (
	"context"

	"golang.org/x/sync/singleflight"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Service is an ivs.Service that caches, coalesces and budgets the calls it
// passes to an inner one. Safe for concurrent use.
type Service struct {
	inner  ivs.Service
	opts   Options
	store  *store
	budget limiter
	group  singleflight.Group
}

var _ ivs.Service = (*Service)(nil)

// New wraps inner. See Options for the defaults.
func New(inner ivs.Service, opts Options) *Service {
	opts = opts.withDefaults()
	return &Service{
		inner:  inner,
		opts:   opts,
		store:  newStore(opts.MaxEntries, opts.MaxItems, opts.MaxStale),
		budget: newLimiter(opts),
	}
}

// AccountID never changes: cached forever.
func (s *Service) AccountID(ctx context.Context) (string, error) {
	var b keyBuf
	k := appendKey(b[:0], OpAccountID, "")
	if v, ok := hit[string](s, OpAccountID, k); ok {
		return v, nil
	}
	return load(ctx, s, k, scope{op: OpAccountID}, s.inner.AccountID)
}
