// Package metrics holds the console's Prometheus collectors, registered on one
// registry that /metrics serves. Labels never carry ids or secrets: only
// bounded sets (route patterns, operations, outcomes).
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

var (
	// Registry is what /metrics serves.
	Registry = prometheus.NewRegistry()

	HTTPDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "greenroom_http_request_duration_seconds",
		Help:    "Console request latency by route pattern, method and status class.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route", "method", "code"})

	IVSCalls = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "greenroom_ivs_calls_total",
		Help: "Calls made to the IVS API by operation, region and outcome (ok, throttled, not_found, conflict, validation, access_denied, unavailable, error).",
	}, []string{"operation", "region", "outcome"})

	IVSDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "greenroom_ivs_call_duration_seconds",
		Help:    "Latency of IVS API calls (including SDK retries) by operation.",
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"operation"})

	CacheLookups = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "greenroom_cache_lookups_total",
		Help: "Read-cache lookups by operation and result (hit, miss, coalesced, stale).",
	}, []string{"operation", "result"})

	BudgetWaits = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "greenroom_call_budget_waits_total",
		Help: "Calls that had to wait for, or were refused by, the per-operation call budget.",
	}, []string{"operation", "result"})
)

func init() {
	Registry.MustRegister(HTTPDuration, IVSCalls, IVSDuration, CacheLookups, BudgetWaits,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}
