package awssdk

import (
	"context"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/metrics"
)

// call runs one SDK operation with the call timeout, records its metrics and
// turns its error into a domain error.
func call[T any](ctx context.Context, s *Service, op, region string, fn func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	start := time.Now()
	out, err := fn(ctx)
	metrics.IVSDuration.WithLabelValues(op).Observe(time.Since(start).Seconds())
	if err != nil {
		derr := translate(op, err)
		metrics.IVSCalls.WithLabelValues(op, region, outcome(ivs.KindOf(derr))).Inc()
		return out, derr
	}
	metrics.IVSCalls.WithLabelValues(op, region, "ok").Inc()
	return out, nil
}

func outcome(k ivs.Kind) string {
	switch k {
	case ivs.KindNotFound:
		return "not_found"
	case ivs.KindConflict:
		return "conflict"
	case ivs.KindValidation:
		return "validation"
	case ivs.KindAccessDenied:
		return "access_denied"
	case ivs.KindThrottled:
		return "throttled"
	case ivs.KindUnavailable:
		return "unavailable"
	case ivs.KindQuota:
		return "quota"
	}
	return "error"
}
