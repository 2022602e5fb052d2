package metrics

import "github.com/prometheus/client_golang/prometheus"

// Replicas of one console share PostgreSQL; one of them leads.
var (
	Leader = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "greenroom_leader",
		Help: "1 while this replica leads (watches IVS and sends alerts), else 0. Exactly one replica of a console should report 1.",
	})
	SharedModelAge = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "greenroom_shared_model_updated_timestamp_seconds",
		Help: "When this replica last received the leader's model of a region through the shared store (Unix time); stale when it stops moving.",
	}, []string{"region"})
)

func init() { Registry.MustRegister(Leader, SharedModelAge) }
