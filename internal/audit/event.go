package audit

import (
	"strings"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Event is one audited action.
type Event struct {
	ID         int64     // assigned by the log; increases with every event
	Time       time.Time // when it happened; Record fills in now if zero
	Actor      string    // who: email or subject of the identity (required)
	Role       string    // the role that allowed it (or was missing)
	Region     string    // AWS region
	Resource   string    // what: usually an ARN
	Action     string    // e.g. ActionReveal (required)
	Outcome    string    // OutcomeSuccess or Failure(reason) (required)
	ClientAddr string    // the client's address as the console saw it
	RequestID  string    // correlates with the request's log lines
	Detail     string    // free text; never a stream key
}

// Actions the console records.
const (
	ActionReveal                = "ingest.reveal"
	ActionIngestCreate          = "ingest.create"
	ActionIngestUpdate          = "ingest.update"
	ActionIngestDelete          = "ingest.delete"
	ActionIngestForceDelete     = "ingest.force_delete"
	ActionIngestRotate          = "ingest.rotate"
	ActionParticipantDisconnect = "participant.disconnect"
	ActionStageCreate           = "stage.create"
	ActionStageUpdate           = "stage.update"
	ActionStageDelete           = "stage.delete"
	ActionTokenCreate           = "token.create" // never with the token
	// The program output.
	ActionCompositionStart = "composition.start"
	ActionCompositionStop  = "composition.stop"
	ActionEncoderCreate    = "encoder_configuration.create"
	ActionEncoderDelete    = "encoder_configuration.delete"
	ActionStorageCreate    = "storage_configuration.create"
	ActionStorageDelete    = "storage_configuration.delete"
	ActionPublicKeyImport  = "public_key.import"
	ActionPublicKeyDelete  = "public_key.delete"
	ActionReplicationStart = "replication.start"
	ActionReplicationStop  = "replication.stop"
)

// Actions lists every action, in the order the audit page's filter offers them.
var Actions = []string{ActionReveal, ActionIngestCreate, ActionIngestUpdate, ActionIngestDelete,
	ActionIngestForceDelete, ActionIngestRotate, ActionParticipantDisconnect,
	ActionStageCreate, ActionStageUpdate, ActionStageDelete, ActionTokenCreate,
	ActionCompositionStart, ActionCompositionStop, ActionEncoderCreate, ActionEncoderDelete,
	ActionStorageCreate, ActionStorageDelete, ActionPublicKeyImport, ActionPublicKeyDelete,
	ActionReplicationStart, ActionReplicationStop}

// OutcomeSuccess is the outcome of an action that did what was asked.
// Failures are "failure: <reason>", made by Failure.
const (
	OutcomeSuccess = "success"
	outcomeFailure = "failure"
)

// Failure is the outcome of an action that failed for reason (or was
// refused: "failure: forbidden").
func Failure(reason string) string {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return outcomeFailure
	}
	return outcomeFailure + ": " + reason
}

// IsFailure reports whether an outcome is a failure.
func IsFailure(outcome string) bool { return strings.HasPrefix(outcome, outcomeFailure) }

// Filter selects events. Zero fields match everything.
type Filter struct {
	Actor    string // exact
	Action   string // exact
	Resource string // exact
	Region   string // exact
	// Outcome is exact, except "failure", which matches every failure.
	Outcome string
	Since   time.Time // inclusive
	Until   time.Time // exclusive
	// Cursor continues a Query where the previous page ended (its next
	// value). Ignored by Export.
	Cursor string
	// Limit is the page size for Query: default 50, at most 1000. Ignored by
	// Export, which writes every matching event.
	Limit int
}

// Page sizes.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
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

// scrub masks stream-key-shaped text in every free-text field.
func (e *Event) scrub() {
	for _, p := range []*string{&e.Actor, &e.Role, &e.Region, &e.Resource, &e.Action, &e.Outcome,
		&e.ClientAddr, &e.RequestID, &e.Detail} {
		*p = ivs.RedactStreamKeys(*p)
	}
}
