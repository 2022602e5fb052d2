package emulator

import "strings"

// Composition events ("IVS Composition State Change", IVS Real-Time User
// Guide, EventBridge): what a console listening to the event queue hears
// when a composition or one of its destinations changes state.
const (
	compositionChange      = "IVS Composition State Change"
	evSessionStart         = "Session Start"
	evSessionEnd           = "Session End"
	evDestinationStart     = "Destination Start"
	evDestinationEnd       = "Destination End"
	evDestinationFailure   = "Destination Failure"
	evDestinationReconnect = "Destination Reconnect"
)

// compositionEvent puts one event about c (and its destination d, when not
// nil) on the region's queue. Safe under e.mu: it takes only the queue's lock.
func (e *Emulator) compositionEvent(c *composition, d *destination, name string, at int64) {
	detail := map[string]any{"event_name": name, "stage_arn": c.stageArn}
	if d != nil {
		detail["destination_id"] = d.id
	}
	region := ""
	if parts := strings.Split(c.arn, ":"); len(parts) > 3 {
		region = parts[3]
	}
	e.emitEvent(region, compositionChange, []string{c.arn}, detail, at)
}

// destinationEvent is the event of a destination entering state.
func destinationEvent(state string) string {
	switch state {
	case destReconnecting:
		return evDestinationReconnect
	case compFailed:
		return evDestinationFailure
	case compStopped:
		return evDestinationEnd
	}
	return evDestinationStart
}
