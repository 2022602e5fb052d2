// Package history keeps what the watcher saw happen: every transition of an
// encoder, a redundant pair, a session, an alert and its notifications.
package history

import "time"

// Kind of a transition.
type Kind string

const (
	KindEncoder      Kind = "encoder"      // one encoder of an ingest configuration: publishing <-> not-publishing
	KindPair         Kind = "pair"         // a redundant configuration's protection: protected|degraded|down|idle
	KindSession      Kind = "session"      // a stage session: started|ended
	KindAlert        Kind = "alert"        // an alert fired|resolved
	KindNotification Kind = "notification" // a webhook delivery: delivered|failed
)

// Transition is one change of state.
type Transition struct {
	ID            int64
	Time          time.Time
	Region        string
	Kind          Kind
	Subject       string
	SubjectName   string
	StageARN      string
	SessionID     string
	Encoder       string
	ParticipantID string
	From, To      string
	Cause         string
	Detail        string
}

// Sample is a point of a live stage's participants-over-time chart.
type Sample struct {
	Time                        time.Time
	Region, StageARN, SessionID string
	Connected, Publishers       int
}
