package metrics

import "github.com/prometheus/client_golang/prometheus"

// IVS's EventBridge events reach the console through an SQS queue per region
// (internal/events).
var (
	EventMessages = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "greenroom_event_messages_total",
		Help: "Messages taken from a region's IVS event queue, by outcome: applied (to the live model), duplicate (an event id seen already, deleted unapplied), unparseable (not an aws.ivs EventBridge event, deleted).",
	}, []string{"region", "outcome"})
	EventReceiveErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "greenroom_event_receive_errors_total",
		Help: "Failed receives from a region's IVS event queue (the queue unreachable, denied or missing).",
	}, []string{"region"})
)

func init() { Registry.MustRegister(EventMessages, EventReceiveErrors) }
