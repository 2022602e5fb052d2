package cached

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// fake is an inner ivs.Service that counts calls and can block, fail or be
// slow. Reads return a fresh serial number in a name field, so a test can
// tell a refetch from a cached value. Like a buggy inner service, its Get and
// List of ingest configurations return keys, to prove the layer strips them.
type fake struct {
	mu       sync.Mutex
	calls    map[string]int
	serial   atomic.Int64
	delay    time.Duration
	gate     chan struct{} // when set, reads wait for it to close
	err      atomic.Pointer[error]
	ctxErrs  atomic.Int64 // calls whose context ended before they returned
	items    int          // participants per page
	credsKey []ivs.RedundantCredential
}

func newFake() *fake {
	return &fake{calls: map[string]int{}, items: 3}
}

func (f *fake) n(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

func (f *fake) fail(err error) {
	if err == nil {
		f.err.Store(nil)
		return
	}
	f.err.Store(&err)
}

// call records op, honours delay and gate, and returns the injected error.
func (f *fake) call(ctx context.Context, op string) (string, error) {
	f.mu.Lock()
	f.calls[op]++
	gate := f.gate
	f.mu.Unlock()
	if gate != nil {
		<-gate
	}
	if f.delay > 0 {
		time.Sleep(f.delay)
	}
	if ctx.Err() != nil {
		f.ctxErrs.Add(1)
	}
	if p := f.err.Load(); p != nil {
		return "", *p
	}
	return strconv.FormatInt(f.serial.Add(1), 10), nil
}

func (f *fake) AccountID(ctx context.Context) (string, error) {
	return f.call(ctx, "AccountID")
}

func (f *fake) ListStages(ctx context.Context, _ ivs.Region, _ ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
	s, err := f.call(ctx, "ListStages")
	return ivs.Page[ivs.Stage]{Items: []ivs.Stage{{Name: s}}}, err
}

func (f *fake) GetStage(ctx context.Context, _ ivs.Region, arn string) (ivs.Stage, error) {
	s, err := f.call(ctx, "GetStage")
	return ivs.Stage{ARN: arn, Name: s}, err
}

func (f *fake) ListStageSessions(ctx context.Context, _ ivs.Region, _ string, _ ivs.ListQuery) (ivs.Page[ivs.StageSession], error) {
	s, err := f.call(ctx, "ListStageSessions")
	return ivs.Page[ivs.StageSession]{Items: []ivs.StageSession{{ID: s}}}, err
}

func (f *fake) GetStageSession(ctx context.Context, _ ivs.Region, _, id string) (ivs.StageSession, error) {
	_, err := f.call(ctx, "GetStageSession")
	return ivs.StageSession{ID: id}, err
}

func (f *fake) ListParticipants(ctx context.Context, _ ivs.Region, q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
	s, err := f.call(ctx, "ListParticipants")
	if err != nil {
		return ivs.Page[ivs.Participant]{}, err
	}
	items := make([]ivs.Participant, f.items)
	for i := range items {
		items[i] = ivs.Participant{ID: "p" + strconv.Itoa(i), UserID: s}
	}
	return ivs.Page[ivs.Participant]{Items: items, NextToken: q.NextToken + "n"}, nil
}

func (f *fake) GetParticipant(ctx context.Context, _ ivs.Region, _, _, id string) (ivs.Participant, error) {
	s, err := f.call(ctx, "GetParticipant")
	return ivs.Participant{ID: id, UserID: s}, err
}

func (f *fake) ListParticipantEvents(ctx context.Context, _ ivs.Region, _, _, _ string, _ ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
	s, err := f.call(ctx, "ListParticipantEvents")
	return ivs.Page[ivs.ParticipantEvent]{Items: []ivs.ParticipantEvent{{Name: s}}}, err
}

func (f *fake) DisconnectParticipant(ctx context.Context, _ ivs.Region, _, _, _ string) error {
	_, err := f.call(ctx, "DisconnectParticipant")
	return err
}

func (f *fake) config(arn, serial string) ivs.IngestConfiguration {
	return ivs.IngestConfiguration{
		ARN: arn, Name: serial, StageARN: stageA, RedundantIngest: true,
		StreamKey:   ivs.NewStreamKey("sk_secret"),
		Credentials: f.credsKey,
	}
}

func (f *fake) ListIngestConfigurations(ctx context.Context, _ ivs.Region, _ ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error) {
	s, err := f.call(ctx, "ListIngestConfigurations")
	return ivs.Page[ivs.IngestConfiguration]{Items: []ivs.IngestConfiguration{f.config(cfgA, s)}}, err
}

func (f *fake) GetIngestConfiguration(ctx context.Context, _ ivs.Region, arn string) (ivs.IngestConfiguration, error) {
	s, err := f.call(ctx, "GetIngestConfiguration")
	return f.config(arn, s), err
}

func (f *fake) RevealStreamKeys(ctx context.Context, _ ivs.Region, arn string) (ivs.IngestConfiguration, error) {
	s, err := f.call(ctx, "RevealStreamKeys")
	return f.config(arn, s), err
}

func (f *fake) CreateIngestConfiguration(ctx context.Context, _ ivs.Region, in ivs.CreateIngestInput) (ivs.IngestConfiguration, error) {
	_, err := f.call(ctx, "CreateIngestConfiguration")
	return ivs.IngestConfiguration{ARN: cfgB, StageARN: in.StageARN}, err
}

func (f *fake) UpdateIngestConfiguration(ctx context.Context, _ ivs.Region, in ivs.UpdateIngestInput) (ivs.IngestConfiguration, error) {
	_, err := f.call(ctx, "UpdateIngestConfiguration")
	return ivs.IngestConfiguration{ARN: in.ARN, StageARN: in.StageARN}, err
}

func (f *fake) DeleteIngestConfiguration(ctx context.Context, _ ivs.Region, _ string, _ bool) error {
	_, err := f.call(ctx, "DeleteIngestConfiguration")
	return err
}

const region ivs.Region = "us-east-1"

const (
	stageA  = "arn:aws:ivs:us-east-1:123456789012:stage/AAAAAAAAAAAA"
	stageB  = "arn:aws:ivs:us-east-1:123456789012:stage/BBBBBBBBBBBB"
	cfgA    = "arn:aws:ivs:us-east-1:123456789012:ingest-configuration/CFGAAAAAAAAA"
	cfgB    = "arn:aws:ivs:us-east-1:123456789012:ingest-configuration/CFGBBBBBBBBB"
	session = "st-SESSION1"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
