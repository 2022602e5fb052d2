package cached

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/greenroom-dev/greenroom/internal/metrics"
)

// opCounters are resolved once so that the hot path is an atomic add,
// not a label lookup.
type opCounters struct {
	hit, miss, coalesced, stale prometheus.Counter
	waited, refused, overBudget prometheus.Counter
}

var counters = func() (c [numOps]opCounters) {
	for op := range numOps {
		n := op.String()
		c[op] = opCounters{
			hit:        metrics.CacheLookups.WithLabelValues(n, "hit"),
			miss:       metrics.CacheLookups.WithLabelValues(n, "miss"),
			coalesced:  metrics.CacheLookups.WithLabelValues(n, "coalesced"),
			stale:      metrics.CacheLookups.WithLabelValues(n, "stale"),
			waited:     metrics.BudgetWaits.WithLabelValues(n, "waited"),
			refused:    metrics.BudgetWaits.WithLabelValues(n, "refused"),
			overBudget: metrics.BudgetWaits.WithLabelValues(n, "served_stale"),
		}
	}
	return c
}()
