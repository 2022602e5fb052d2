package history

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Kind of a transition.
type Kind string

const (
	KindEncoder      Kind = "encoder"      // one encoder of an ingest configuration: publishing <-> not publishing
	KindPair         Kind = "pair"         // a redundant configuration's protection: protected|degraded|down|idle
	KindSession      Kind = "session"      // a stage session: live|ended
	KindAlert        Kind = "alert"        // an alert fired|resolved
	KindNotification Kind = "notification" // a webhook delivery: delivered|retrying|failed (Detail says target host and attempt)
	// KindDestination: a composition destination's state, lower-cased API
	// words (starting|active|reconnecting|failed|stopping|stopped); Subject is
	// the composition's ARN and Detail the destination's id.
	KindDestination Kind = "destination"
)

// Kinds lists every kind, in the order a filter offers them.
var Kinds = []Kind{KindEncoder, KindPair, KindSession, KindDestination, KindAlert, KindNotification}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { return slices.Contains(Kinds, k) }

// States of the kinds this package and internal/notify write or read. The
// store does not check From and To; encoder and session states are
// internal/watch's ("publishing", "not publishing"; "live", "ended").
const (
	// KindPair: ivs.Protection values (idle: no live session, or neither
	// encoder has joined it: nothing to protect).
	PairProtected = string(ivs.Protected)
	PairDegraded  = string(ivs.Degraded)
	PairDown      = string(ivs.Down)
	PairIdle      = string(ivs.Idle)

	// KindAlert
	AlertFiring   = "firing"
	AlertResolved = "resolved"

	// KindNotification: From is "pending" (or "retrying"); "retrying" is
	// recorded once, at the first failed attempt that will be retried.
	NotificationPending   = "pending"
	NotificationDelivered = "delivered"
	NotificationRetrying  = "retrying"
	NotificationFailed    = "failed"
)

// Transition is one change of state.
type Transition struct {
	ID            int64     // assigned by the store, increasing
	Time          time.Time // when it happened (the watcher's best knowledge: the event time from IVS when known)
	Region        string
	Kind          Kind
	Subject       string // ARN of the ingest configuration (encoder, pair, alert), of the stage (session), or the alert key (notification)
	SubjectName   string // its display name at the time
	StageARN      string
	SessionID     string
	Encoder       string // "A" or "B" (KindEncoder)
	ParticipantID string
	From, To      string // states, e.g. "protected" -> "degraded"
	Cause         string // plain words of the current cause, e.g. "PUBLISH_ERROR: BITRATE_EXCEEDED", "" when none
	Detail        string
}

// Filter selects transitions. Zero fields match everything.
type Filter struct {
	Region    string // exact
	Subject   string // exact
	StageARN  string // exact
	SessionID string // exact
	Kinds     []Kind // any of them
	Since     time.Time
	Until     time.Time // exclusive
	// Limit is the page size: default 200, at most 5000.
	Limit int
	// Before is an id cursor: only transitions with a smaller id (the last
	// id of the previous page); 0 starts at the newest.
	Before int64
}

// Page sizes.
const (
	DefaultLimit = 200
	MaxLimit     = 5000
)

func (f Filter) limit() int {
	switch {
	case f.Limit <= 0:
		return DefaultLimit
	case f.Limit > MaxLimit:
		return MaxLimit
	}
	return f.Limit
}

// Sample is a point of a live stage's participants-over-time chart.
type Sample struct {
	Time       time.Time
	Region     string
	StageARN   string
	SessionID  string
	Connected  int
	Publishers int
}

// Store keeps transitions and samples. Implementations are safe for
// concurrent use.
type Store interface {
	// Append stores ts in one transaction, durably when it returns nil, and
	// returns them with ID (and Time, if zero) filled in.
	Append(ctx context.Context, ts ...Transition) ([]Transition, error)
	// Query returns matching transitions, newest (highest id) first.
	Query(ctx context.Context, f Filter) ([]Transition, error)
	// AddSample records a point of a stage's chart. It is cheap; the point
	// may reach the disk a moment later.
	AddSample(ctx context.Context, s Sample) error
	// Samples returns a session's points since a time, oldest first.
	Samples(ctx context.Context, stageARN, sessionID string, since time.Time) ([]Sample, error)
	// Prune deletes transitions and samples older than before and reports
	// how many.
	Prune(ctx context.Context, before time.Time) (int64, error)
	Close() error
}

var (
	// ErrInvalidTransition is returned by Append for a transition without a
	// known Kind or a Subject.
	ErrInvalidTransition = errors.New("history: invalid transition")
	// ErrInvalidSample is returned by AddSample for a sample without a stage.
	ErrInvalidSample = errors.New("history: invalid sample")
	// ErrClosed is returned after Close.
	ErrClosed = errors.New("history: store is closed")
)
