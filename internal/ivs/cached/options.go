package cached

import (
	"math"
	"time"

	"github.com/greenroom-dev/greenroom/internal/sharedbudget"
)

// Op is an upstream operation: the unit of freshness, call budget and metrics.
type Op uint8

// Operations the layer knows. RevealStreamKeys is budgeted as
// GetIngestConfiguration, the API call it makes.
const (
	OpAccountID Op = iota
	OpListStages
	OpGetStage
	OpListStageSessions
	OpGetStageSession
	OpListParticipants
	OpGetParticipant
	OpListParticipantEvents
	OpListIngestConfigurations
	OpGetIngestConfiguration
	OpDisconnectParticipant
	OpCreateIngestConfiguration
	OpUpdateIngestConfiguration
	OpDeleteIngestConfiguration
	OpCreateStage
	OpUpdateStage
	OpDeleteStage
	OpTagResource
	OpUntagResource
	OpCreateParticipantToken
	// The program output (program_reads.go, program_writes.go).
	OpListCompositions
	OpGetComposition
	OpStartComposition
	OpStopComposition
	OpListEncoderConfigurations
	OpGetEncoderConfiguration
	OpCreateEncoderConfiguration
	OpDeleteEncoderConfiguration
	OpListStorageConfigurations
	OpGetStorageConfiguration
	OpCreateStorageConfiguration
	OpDeleteStorageConfiguration
	OpListPublicKeys
	OpGetPublicKey
	OpImportPublicKey
	OpDeletePublicKey
	OpStartParticipantReplication
	OpStopParticipantReplication
	OpListParticipantReplicas
	numOps
)

var opNames = [numOps]string{
	"AccountID", "ListStages", "GetStage", "ListStageSessions", "GetStageSession",
	"ListParticipants", "GetParticipant", "ListParticipantEvents",
	"ListIngestConfigurations", "GetIngestConfiguration",
	"DisconnectParticipant", "CreateIngestConfiguration", "UpdateIngestConfiguration", "DeleteIngestConfiguration",
	"CreateStage", "UpdateStage", "DeleteStage", "TagResource", "UntagResource", "CreateParticipantToken",
	"ListCompositions", "GetComposition", "StartComposition", "StopComposition",
	"ListEncoderConfigurations", "GetEncoderConfiguration", "CreateEncoderConfiguration", "DeleteEncoderConfiguration",
	"ListStorageConfigurations", "GetStorageConfiguration", "CreateStorageConfiguration", "DeleteStorageConfiguration",
	"ListPublicKeys", "GetPublicKey", "ImportPublicKey", "DeletePublicKey",
	"StartParticipantReplication", "StopParticipantReplication", "ListParticipantReplicas",
}

// String is the API operation name (also the metrics label).
func (o Op) String() string {
	if o < numOps {
		return opNames[o]
	}
	return "unknown"
}

// Forever is the freshness of values that never change (the account id).
const Forever = time.Duration(math.MaxInt64)

// DefaultTTL is how long a read stays fresh, by operation (read-only: override
// with Options.TTL). Live participant data refreshes every few seconds,
// configuration-like data more slowly.
var DefaultTTL = map[Op]time.Duration{
	OpAccountID:                Forever,
	OpListStages:               20 * time.Second,
	OpGetStage:                 15 * time.Second,
	OpListStageSessions:        5 * time.Second,
	OpGetStageSession:          5 * time.Second,
	OpListParticipants:         2 * time.Second,
	OpGetParticipant:           2 * time.Second,
	OpListParticipantEvents:    3 * time.Second,
	OpListIngestConfigurations: 5 * time.Second,
	OpGetIngestConfiguration:   5 * time.Second,
	// A composition's destinations can fail at any moment: as fresh as
	// ingest. Encoder and storage configurations and public keys change
	// only through writes, which invalidate them.
	OpListCompositions:          5 * time.Second,
	OpGetComposition:            5 * time.Second,
	OpListEncoderConfigurations: 60 * time.Second,
	OpGetEncoderConfiguration:   60 * time.Second,
	OpListStorageConfigurations: 60 * time.Second,
	OpGetStorageConfiguration:   60 * time.Second,
	OpListPublicKeys:            60 * time.Second,
	OpGetPublicKey:              60 * time.Second,
	OpListParticipantReplicas:   3 * time.Second,
}

// Budget is a token bucket: Rate calls per second with bursts of Burst.
// Rate math.Inf(1) turns the budget off (benchmarks, tests).
type Budget struct {
	Rate  float64
	Burst int
}

// DefaultBudget is 2 calls/s, burst 2, per region and operation: well under
// the account's 5 TPS, leaving the rest to the customer's backend.
var DefaultBudget = Budget{Rate: 2, Burst: 2}

// Options configure the layer. The zero value gives the defaults.
type Options struct {
	// Disabled turns caching and coalescing off (every read goes upstream)
	// while keeping the same code path and the call budget: a naive baseline.
	Disabled bool

	// TTL overrides DefaultTTL per operation.
	TTL map[Op]time.Duration
	// MaxStale is how old an expired value may be and still be served when
	// the budget is spent or upstream fails. Default 5 minutes.
	MaxStale time.Duration
	// MaxEntries caps the number of cached values (default 1000); MaxItems
	// caps the list items they hold in all (default 20000), which bounds
	// memory since participant pages dominate it.
	MaxEntries int
	MaxItems   int

	// Budget applies to every operation; Budgets overrides it per operation.
	Budget  Budget
	Budgets map[Op]Budget
	// Shared, when set, takes every token from a budget shared with the
	// other replicas through Redis (one sharedbudget.Budget per pool: the
	// pages' and the watcher's). Budget and Budgets are then the whole
	// cluster's, and while Redis fails each replica spends its share of
	// them (see internal/sharedbudget). Nil: this replica's own token
	// buckets spend Budget and Budgets alone.
	Shared *sharedbudget.Budget
	// ReadWait bounds how long a read with nothing cached waits for the
	// budget before failing with KindThrottled (up to twice that when many
	// callers queue at once). Default 2 s.
	ReadWait time.Duration
	// WriteWait bounds how long a write (or a reveal) waits for the budget.
	// Default 5 s.
	WriteWait time.Duration
	// CallTimeout bounds a shared upstream read, which runs detached from
	// the callers' contexts. Default 10 s.
	CallTimeout time.Duration

	// Now is the clock (tests). Default time.Now.
	Now func() time.Time
}

// withDefaults fills the zero fields.
func (o Options) withDefaults() Options {
	if o.MaxStale <= 0 {
		o.MaxStale = 5 * time.Minute
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = 1000
	}
	if o.MaxItems <= 0 {
		o.MaxItems = 20000
	}
	if o.Budget.Rate <= 0 {
		o.Budget.Rate = DefaultBudget.Rate
	}
	if o.Budget.Burst <= 0 {
		o.Budget.Burst = DefaultBudget.Burst
	}
	if o.ReadWait <= 0 {
		o.ReadWait = 2 * time.Second
	}
	if o.WriteWait <= 0 {
		o.WriteWait = 5 * time.Second
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = 10 * time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// ttl is the freshness of op's values.
func (o Options) ttl(op Op) time.Duration {
	if d, ok := o.TTL[op]; ok && d > 0 {
		return d
	}
	return DefaultTTL[op]
}

// budget is op's token bucket.
func (o Options) budget(op Op) Budget {
	b, ok := o.Budgets[op]
	if !ok {
		return o.Budget
	}
	if b.Rate <= 0 {
		b.Rate = o.Budget.Rate
	}
	if b.Burst <= 0 {
		b.Burst = o.Budget.Burst
	}
	return b
}
