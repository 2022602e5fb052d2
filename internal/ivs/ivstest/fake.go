// Package ivstest offers the one fake of ivs.Service that every test
// package uses: a small in-memory IVS (stages, sessions, participants,
// events, ingest configurations with the API's ACTIVE and idempotency rules)
// that a test seeds, plus a func field per method that, when set, answers
// instead of the world, so a test states exactly what upstream does. Every
// call is counted, and Hook can delay, block or fail any of them.
package ivstest

import (
	"context"
	"maps"
	"sync"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Fake is an in-memory ivs.Service. The zero value is an empty world.
type Fake struct {
	Account string

	// Hook, when set, runs before every call (after it is counted); an
	// error it returns is the call's answer.
	Hook func(ctx context.Context, op string) error

	AccountIDFn                func(ctx context.Context) (string, error)
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
	CreateStageFn              func(ctx context.Context, region ivs.Region, in ivs.CreateStageInput) (ivs.Stage, error)
	UpdateStageFn              func(ctx context.Context, region ivs.Region, in ivs.UpdateStageInput) (ivs.Stage, error)
	DeleteStageFn              func(ctx context.Context, region ivs.Region, arn string) error
	TagResourceFn              func(ctx context.Context, region ivs.Region, arn string, tags map[string]string) error
	UntagResourceFn            func(ctx context.Context, region ivs.Region, arn string, keys []string) error
	CreateTokenFn              func(ctx context.Context, region ivs.Region, in ivs.CreateTokenInput) (ivs.ParticipantToken, error)
	ListCompositionsFn         func(ctx context.Context, region ivs.Region, q ivs.CompositionQuery) (ivs.Page[ivs.Composition], error)
	GetCompositionFn           func(ctx context.Context, region ivs.Region, arn string) (ivs.Composition, error)
	StartCompositionFn         func(ctx context.Context, region ivs.Region, in ivs.StartCompositionInput) (ivs.Composition, error)
	StopCompositionFn          func(ctx context.Context, region ivs.Region, arn string) error
	// DeleteOutputFn answers DeleteEncoderConfiguration,
	// DeleteStorageConfiguration and DeletePublicKey (op names which).
	DeleteOutputFn     func(ctx context.Context, op string, region ivs.Region, arn string) error
	StartReplicationFn func(ctx context.Context, region ivs.Region, in ivs.StartReplicationInput) error
	ListReplicasFn     func(ctx context.Context, region ivs.Region, q ivs.ReplicaQuery) (ivs.Page[ivs.Replica], error)

	mu    sync.Mutex
	calls map[string]int
	w     world
}

var _ ivs.Service = (*Fake)(nil)

// Calls returns how often an operation was called.
func (f *Fake) Calls(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// CallCounts returns how often each operation was called.
func (f *Fake) CallCounts() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.calls)
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

// enter counts a call and runs the hook.
func (f *Fake) enter(ctx context.Context, op string) error {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]int{}
	}
	f.calls[op]++
	hook := f.Hook
	f.mu.Unlock()
	if hook != nil {
		return hook(ctx, op)
	}
	return nil
}

// Err builds a domain error of a kind, for tests.
func Err(kind ivs.Kind, op, msg string) error { return &ivs.Error{Kind: kind, Op: op, Message: msg} }

func (f *Fake) AccountID(ctx context.Context) (string, error) {
	if err := f.enter(ctx, "AccountID"); err != nil {
		return "", err
	}
	if f.AccountIDFn != nil {
		return f.AccountIDFn(ctx)
	}
	if f.Account == "" {
		return Account, nil
	}
	return f.Account, nil
}

func (f *Fake) ListStages(ctx context.Context, region ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
	if err := f.enter(ctx, "ListStages"); err != nil {
		return ivs.Page[ivs.Stage]{}, err
	}
	if f.ListStagesFn != nil {
		return f.ListStagesFn(ctx, region, q)
	}
	return f.listStages(q)
}

func (f *Fake) GetStage(ctx context.Context, region ivs.Region, arn string) (ivs.Stage, error) {
	if err := f.enter(ctx, "GetStage"); err != nil {
		return ivs.Stage{}, err
	}
	if f.GetStageFn != nil {
		return f.GetStageFn(ctx, region, arn)
	}
	return f.getStage(arn)
}

func (f *Fake) ListStageSessions(ctx context.Context, region ivs.Region, stageARN string, q ivs.ListQuery) (ivs.Page[ivs.StageSession], error) {
	if err := f.enter(ctx, "ListStageSessions"); err != nil {
		return ivs.Page[ivs.StageSession]{}, err
	}
	if f.ListStageSessionsFn != nil {
		return f.ListStageSessionsFn(ctx, region, stageARN, q)
	}
	return f.listSessions(stageARN, q)
}

func (f *Fake) GetStageSession(ctx context.Context, region ivs.Region, stageARN, sessionID string) (ivs.StageSession, error) {
	if err := f.enter(ctx, "GetStageSession"); err != nil {
		return ivs.StageSession{}, err
	}
	if f.GetStageSessionFn != nil {
		return f.GetStageSessionFn(ctx, region, stageARN, sessionID)
	}
	return f.getSession(stageARN, sessionID)
}

func (f *Fake) ListParticipants(ctx context.Context, region ivs.Region, q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
	if err := f.enter(ctx, "ListParticipants"); err != nil {
		return ivs.Page[ivs.Participant]{}, err
	}
	f.recordQuery(q)
	if f.ListParticipantsFn != nil {
		return f.ListParticipantsFn(ctx, region, q)
	}
	return f.listParticipants(q)
}

func (f *Fake) GetParticipant(ctx context.Context, region ivs.Region, stageARN, sessionID, participantID string) (ivs.Participant, error) {
	if err := f.enter(ctx, "GetParticipant"); err != nil {
		return ivs.Participant{}, err
	}
	if f.GetParticipantFn != nil {
		return f.GetParticipantFn(ctx, region, stageARN, sessionID, participantID)
	}
	return f.getParticipant(stageARN, sessionID, participantID)
}

func (f *Fake) ListParticipantEvents(ctx context.Context, region ivs.Region, stageARN, sessionID, participantID string, q ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
	if err := f.enter(ctx, "ListParticipantEvents"); err != nil {
		return ivs.Page[ivs.ParticipantEvent]{}, err
	}
	if f.ListParticipantEventsFn != nil {
		return f.ListParticipantEventsFn(ctx, region, stageARN, sessionID, participantID, q)
	}
	return f.listEvents(stageARN, sessionID, participantID, q)
}

func (f *Fake) DisconnectParticipant(ctx context.Context, region ivs.Region, stageARN, participantID, reason string) error {
	if err := f.enter(ctx, "DisconnectParticipant"); err != nil {
		return err
	}
	if f.DisconnectParticipantFn != nil {
		return f.DisconnectParticipantFn(ctx, region, stageARN, participantID, reason)
	}
	return f.disconnect(stageARN, participantID)
}

func (f *Fake) ListIngestConfigurations(ctx context.Context, region ivs.Region, q ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error) {
	if err := f.enter(ctx, "ListIngestConfigurations"); err != nil {
		return ivs.Page[ivs.IngestConfiguration]{}, err
	}
	if f.ListIngestConfigurationsFn != nil {
		return f.ListIngestConfigurationsFn(ctx, region, q)
	}
	return f.listIngest(q)
}

func (f *Fake) GetIngestConfiguration(ctx context.Context, region ivs.Region, arn string) (ivs.IngestConfiguration, error) {
	if err := f.enter(ctx, "GetIngestConfiguration"); err != nil {
		return ivs.IngestConfiguration{}, err
	}
	if f.GetIngestConfigurationFn != nil {
		return f.GetIngestConfigurationFn(ctx, region, arn)
	}
	return f.getIngest(arn, false)
}

func (f *Fake) RevealStreamKeys(ctx context.Context, region ivs.Region, arn string) (ivs.IngestConfiguration, error) {
	if err := f.enter(ctx, "RevealStreamKeys"); err != nil {
		return ivs.IngestConfiguration{}, err
	}
	if f.RevealStreamKeysFn != nil {
		return f.RevealStreamKeysFn(ctx, region, arn)
	}
	return f.getIngest(arn, true)
}

func (f *Fake) CreateIngestConfiguration(ctx context.Context, region ivs.Region, in ivs.CreateIngestInput) (ivs.IngestConfiguration, error) {
	f.recordWrite(Write{Op: "CreateIngestConfiguration", Create: in})
	if err := f.enter(ctx, "CreateIngestConfiguration"); err != nil {
		return ivs.IngestConfiguration{}, err
	}
	if f.CreateIngestFn != nil {
		return f.CreateIngestFn(ctx, region, in)
	}
	return f.createIngest(region, in)
}

func (f *Fake) UpdateIngestConfiguration(ctx context.Context, region ivs.Region, in ivs.UpdateIngestInput) (ivs.IngestConfiguration, error) {
	f.recordWrite(Write{Op: "UpdateIngestConfiguration", Update: in})
	if err := f.enter(ctx, "UpdateIngestConfiguration"); err != nil {
		return ivs.IngestConfiguration{}, err
	}
	if f.UpdateIngestFn != nil {
		return f.UpdateIngestFn(ctx, region, in)
	}
	return f.updateIngest(in)
}

func (f *Fake) DeleteIngestConfiguration(ctx context.Context, region ivs.Region, arn string, force bool) error {
	f.recordWrite(Write{Op: "DeleteIngestConfiguration", ARN: arn, Force: force})
	if err := f.enter(ctx, "DeleteIngestConfiguration"); err != nil {
		return err
	}
	if f.DeleteIngestFn != nil {
		return f.DeleteIngestFn(ctx, region, arn, force)
	}
	return f.deleteIngest(arn, force)
}
