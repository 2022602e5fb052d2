// Package ivstest offers a programmable ivs.Service for handler tests: each
// method calls its func field when set and otherwise fails the way an
// unknown resource would, so a test states exactly what upstream does.
package ivstest

import (
	"context"
	"sync"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Fake is an ivs.Service whose behaviour is set per method.
type Fake struct {
	Account string

	ListStagesFn               func(ctx context.Context, region ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.Stage], error)
	GetStageFn                 func(ctx context.Context, region ivs.Region, arn string) (ivs.Stage, error)
	ListStageSessionsFn        func(ctx context.Context, region ivs.Region, stageARN string, q ivs.ListQuery) (ivs.Page[ivs.StageSession], error)
	GetStageSessionFn          func(ctx context.Context, region ivs.Region, stageARN, sessionID string) (ivs.StageSession, error)
	ListParticipantsFn         func(ctx context.Context, region ivs.Region, q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error)
	GetParticipantFn           func(ctx context.Context, region ivs.Region, stageARN, sessionID, participantID string) (ivs.Participant, error)
	ListParticipantEventsFn    func(ctx context.Context, region ivs.Region, stageARN, sessionID, participantID string, q ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error)
	DisconnectParticipantFn    func(ctx context.Context, region ivs.Region, stageARN, participantID, reason string) error
	ListIngestConfigurationsFn func(ctx context.Context, region ivs.Region, q ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error)
	GetIngestConfigurationFn   func(ctx context.Context, region ivs.Region, arn string) (ivs.IngestConfiguration, error)
	RevealStreamKeysFn         func(ctx context.Context, region ivs.Region, arn string) (ivs.IngestConfiguration, error)
	CreateIngestFn             func(ctx context.Context, region ivs.Region, in ivs.CreateIngestInput) (ivs.IngestConfiguration, error)
	UpdateIngestFn             func(ctx context.Context, region ivs.Region, in ivs.UpdateIngestInput) (ivs.IngestConfiguration, error)
	DeleteIngestFn             func(ctx context.Context, region ivs.Region, arn string, force bool) error

	mu    sync.Mutex
	calls map[string]int
}

var _ ivs.Service = (*Fake)(nil)

// Calls returns how often an operation was called.
func (f *Fake) Calls(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// TotalCalls returns the number of calls of every operation.
func (f *Fake) TotalCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

func (f *Fake) count(op string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[op]++
}

func missing(op string) error {
	return &ivs.Error{Kind: ivs.KindNotFound, Op: op, Message: "not found (ivstest: no behaviour set)"}
}

// Err builds a domain error of a kind, for tests.
func Err(kind ivs.Kind, op, msg string) error { return &ivs.Error{Kind: kind, Op: op, Message: msg} }

func (f *Fake) AccountID(ctx context.Context) (string, error) {
	if f.Account == "" {
		return "123456789012", nil
	}
	return f.Account, nil
}

func (f *Fake) ListStages(ctx context.Context, region ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
	f.count("ListStages")
	if f.ListStagesFn == nil {
		return ivs.Page[ivs.Stage]{}, nil
	}
	return f.ListStagesFn(ctx, region, q)
}

func (f *Fake) GetStage(ctx context.Context, region ivs.Region, arn string) (ivs.Stage, error) {
	f.count("GetStage")
	if f.GetStageFn == nil {
		return ivs.Stage{}, missing("GetStage")
	}
	return f.GetStageFn(ctx, region, arn)
}

func (f *Fake) ListStageSessions(ctx context.Context, region ivs.Region, stageARN string, q ivs.ListQuery) (ivs.Page[ivs.StageSession], error) {
	f.count("ListStageSessions")
	if f.ListStageSessionsFn == nil {
		return ivs.Page[ivs.StageSession]{}, nil
	}
	return f.ListStageSessionsFn(ctx, region, stageARN, q)
}

func (f *Fake) GetStageSession(ctx context.Context, region ivs.Region, stageARN, sessionID string) (ivs.StageSession, error) {
	f.count("GetStageSession")
	if f.GetStageSessionFn == nil {
		return ivs.StageSession{}, missing("GetStageSession")
	}
	return f.GetStageSessionFn(ctx, region, stageARN, sessionID)
}

func (f *Fake) ListParticipants(ctx context.Context, region ivs.Region, q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
	f.count("ListParticipants")
	if f.ListParticipantsFn == nil {
		return ivs.Page[ivs.Participant]{}, nil
	}
	return f.ListParticipantsFn(ctx, region, q)
}

func (f *Fake) GetParticipant(ctx context.Context, region ivs.Region, stageARN, sessionID, participantID string) (ivs.Participant, error) {
	f.count("GetParticipant")
	if f.GetParticipantFn == nil {
		return ivs.Participant{}, missing("GetParticipant")
	}
	return f.GetParticipantFn(ctx, region, stageARN, sessionID, participantID)
}

func (f *Fake) ListParticipantEvents(ctx context.Context, region ivs.Region, stageARN, sessionID, participantID string, q ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
	f.count("ListParticipantEvents")
	if f.ListParticipantEventsFn == nil {
		return ivs.Page[ivs.ParticipantEvent]{}, nil
	}
	return f.ListParticipantEventsFn(ctx, region, stageARN, sessionID, participantID, q)
}

func (f *Fake) DisconnectParticipant(ctx context.Context, region ivs.Region, stageARN, participantID, reason string) error {
	f.count("DisconnectParticipant")
	if f.DisconnectParticipantFn == nil {
		return missing("DisconnectParticipant")
	}
	return f.DisconnectParticipantFn(ctx, region, stageARN, participantID, reason)
}

func (f *Fake) ListIngestConfigurations(ctx context.Context, region ivs.Region, q ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error) {
	f.count("ListIngestConfigurations")
	if f.ListIngestConfigurationsFn == nil {
		return ivs.Page[ivs.IngestConfiguration]{}, nil
	}
	return f.ListIngestConfigurationsFn(ctx, region, q)
}

func (f *Fake) GetIngestConfiguration(ctx context.Context, region ivs.Region, arn string) (ivs.IngestConfiguration, error) {
	f.count("GetIngestConfiguration")
	if f.GetIngestConfigurationFn == nil {
		return ivs.IngestConfiguration{}, missing("GetIngestConfiguration")
	}
	return f.GetIngestConfigurationFn(ctx, region, arn)
}

func (f *Fake) RevealStreamKeys(ctx context.Context, region ivs.Region, arn string) (ivs.IngestConfiguration, error) {
	f.count("RevealStreamKeys")
	if f.RevealStreamKeysFn == nil {
		return ivs.IngestConfiguration{}, missing("GetIngestConfiguration")
	}
	return f.RevealStreamKeysFn(ctx, region, arn)
}

func (f *Fake) CreateIngestConfiguration(ctx context.Context, region ivs.Region, in ivs.CreateIngestInput) (ivs.IngestConfiguration, error) {
	f.count("CreateIngestConfiguration")
	if f.CreateIngestFn == nil {
		return ivs.IngestConfiguration{}, missing("CreateIngestConfiguration")
	}
	return f.CreateIngestFn(ctx, region, in)
}

func (f *Fake) UpdateIngestConfiguration(ctx context.Context, region ivs.Region, in ivs.UpdateIngestInput) (ivs.IngestConfiguration, error) {
	f.count("UpdateIngestConfiguration")
	if f.UpdateIngestFn == nil {
		return ivs.IngestConfiguration{}, missing("UpdateIngestConfiguration")
	}
	return f.UpdateIngestFn(ctx, region, in)
}

func (f *Fake) DeleteIngestConfiguration(ctx context.Context, region ivs.Region, arn string, force bool) error {
	f.count("DeleteIngestConfiguration")
	if f.DeleteIngestFn == nil {
		return missing("DeleteIngestConfiguration")
	}
	return f.DeleteIngestFn(ctx, region, arn, force)
}
