// Package metrics holds the console's Prometheus collectors, registered on one
// registry that /metrics serves. Labels never carry secrets, and only bounded
// sets: route patterns, operations, outcomes, and (watcher gauges) the ids
// of stages and ingest configurations, which IVS's quotas bound.
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

	// The call budget shared by replicas through Redis (internal/sharedbudget):
	// pool is "pages" or "watch".
	CallBudgetShared = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "greenroom_call_budget_shared",
		Help: "1 while a pool's call budget is shared with the other replicas through Redis, 0 while this replica falls back to its local share (Redis unreachable).",
	}, []string{"pool"})

	CallBudgetFallbacks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "greenroom_call_budget_fallbacks_total",
		Help: "Times a pool's shared call budget fell back to this replica's local share because Redis failed or timed out.",
	}, []string{"pool"})
)

// The watcher's live model, for dashboards and alert rules
// (docs/alerts/greenroom-rules.yml). Label sets are bounded by IVS's
// quotas: 1,000 stages and 100 ingest configurations per region.
var (
	IngestProtection = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "greenroom_ingest_protection",
		Help: "State of each redundant ingest configuration: 1 for its current state (protected, degraded, down, idle), 0 for the others.",
	}, []string{"region", "stage", "configuration", "configuration_name", "state"})

	// CompositionDestinationState follows IngestProtection: one series per
	// state. Bounded by the quota of 100 running compositions per region.
	CompositionDestinationState = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "greenroom_composition_destination_state",
		Help: "State of each destination of each composition not stopped: 1 for its current state (starting, active, reconnecting, failed, stopping), 0 for the others. A failed composition counts its destinations failed.",
	}, []string{"region", "stage", "composition", "destination", "destination_name", "state"})

	StagePublishers = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "greenroom_stage_publishers",
		Help: "Participants publishing now in each live stage.",
	}, []string{"region", "stage", "stage_name"})

	StageConnected = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "greenroom_stage_connected_participants",
		Help: "Participants connected now in each live stage (large sessions are counted less often: see greenroom_stage_connected_count_age_seconds).",
	}, []string{"region", "stage", "stage_name"})

	StageConnectedAge = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "greenroom_stage_connected_count_age_seconds",
		Help: "Age of each live stage's connected count.",
	}, []string{"region", "stage", "stage_name"})

	WatcherLastSweep = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "greenroom_watcher_last_sweep_timestamp_seconds",
		Help: "When the watcher last finished a sweep of a region (Unix time); stale when it stops moving.",
	}, []string{"region"})

	WatcherCadence = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "greenroom_watcher_cadence_seconds",
		Help: "How long the watcher's last sweep of a region took, start to start: the freshness of the live model.",
	}, []string{"region"})

	WatcherLiveStages = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "greenroom_watcher_live_stages",
		Help: "Stages with a live session in a region.",
	}, []string{"region"})
)

func init() {
	Registry.MustRegister(IngestProtection, CompositionDestinationState, StagePublishers, StageConnected, StageConnectedAge, WatcherLastSweep, WatcherCadence, WatcherLiveStages)
	Registry.MustRegister(HTTPDuration, IVSCalls, IVSDuration, CacheLookups, BudgetWaits,
		CallBudgetShared, CallBudgetFallbacks,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
}
