package cached

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

// fake is the inner service of these tests: the shared ivstest.Fake,
// scripted so that it counts calls and can block, fail or be slow. Reads
// return a fresh serial number in a name field, so a test can tell a
// refetch from a cached value. Like a buggy inner service, its Get and List
// of ingest configurations return keys, to prove the layer strips them.
type fake struct {
	*ivstest.Fake
	mu       sync.Mutex // guards gate
	serial   atomic.Int64
	delay    time.Duration
	gate     chan struct{} // when set, reads wait for it to close
	err      atomic.Pointer[error]
	ctxErrs  atomic.Int64 // calls whose context ended before they returned
	items    int          // participants per page
	credsKey []ivs.RedundantCredential
}

func newFake() *fake {
	f := &fake{Fake: &ivstest.Fake{}, items: 3}
	f.Hook = f.hook
	next := func() string { return strconv.FormatInt(f.serial.Add(1), 10) }
	f.AccountIDFn = func(context.Context) (string, error) { return next(), nil }
	f.ListStagesFn = func(context.Context, ivs.Region, ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
		return ivs.Page[ivs.Stage]{Items: []ivs.Stage{{Name: next()}}}, nil
	}
	f.GetStageFn = func(_ context.Context, _ ivs.Region, arn string) (ivs.Stage, error) {
		return ivs.Stage{ARN: arn, Name: next()}, nil
	}
	f.ListStageSessionsFn = func(context.Context, ivs.Region, string, ivs.ListQuery) (ivs.Page[ivs.StageSession], error) {
		return ivs.Page[ivs.StageSession]{Items: []ivs.StageSession{{ID: next()}}}, nil
	}
	f.GetStageSessionFn = func(_ context.Context, _ ivs.Region, _, id string) (ivs.StageSession, error) {
		return ivs.StageSession{ID: id}, nil
	}
	f.ListParticipantsFn = func(_ context.Context, _ ivs.Region, q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
		s := next()
		items := make([]ivs.Participant, f.items)
		for i := range items {
			items[i] = ivs.Participant{ID: "p" + strconv.Itoa(i), UserID: s}
		}
		return ivs.Page[ivs.Participant]{Items: items, NextToken: q.NextToken + "n"}, nil
	}
	f.GetParticipantFn = func(_ context.Context, _ ivs.Region, _, _, id string) (ivs.Participant, error) {
		return ivs.Participant{ID: id, UserID: next()}, nil
	}
	f.ListParticipantEventsFn = func(context.Context, ivs.Region, string, string, string, ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
		return ivs.Page[ivs.ParticipantEvent]{Items: []ivs.ParticipantEvent{{Name: next()}}}, nil
	}
	f.DisconnectParticipantFn = func(context.Context, ivs.Region, string, string, string) error { return nil }
	f.ListIngestConfigurationsFn = func(context.Context, ivs.Region, ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error) {
		return ivs.Page[ivs.IngestConfiguration]{Items: []ivs.IngestConfiguration{f.config(cfgA, next())}}, nil
	}
	f.GetIngestConfigurationFn = func(_ context.Context, _ ivs.Region, arn string) (ivs.IngestConfiguration, error) {
		return f.config(arn, next()), nil
	}
	f.RevealStreamKeysFn = f.GetIngestConfigurationFn
	f.CreateIngestFn = func(_ context.Context, _ ivs.Region, in ivs.CreateIngestInput) (ivs.IngestConfiguration, error) {
		return ivs.IngestConfiguration{ARN: cfgB, StageARN: in.StageARN}, nil
	}
	f.UpdateIngestFn = func(_ context.Context, _ ivs.Region, in ivs.UpdateIngestInput) (ivs.IngestConfiguration, error) {
		return ivs.IngestConfiguration{ARN: in.ARN, StageARN: in.StageARN}, nil
	}
	f.DeleteIngestFn = func(context.Context, ivs.Region, string, bool) error { return nil }
	return f
}

// n is how often op was called.
func (f *fake) n(op string) int { return f.Calls(op) }

func (f *fake) fail(err error) {
	if err == nil {
		f.err.Store(nil)
		return
	}
	f.err.Store(&err)
}

// hook honours gate and delay and returns the injected error.
func (f *fake) hook(ctx context.Context, _ string) error {
	f.mu.Lock()
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
		return *p
	}
	return nil
}

func (f *fake) config(arn, serial string) ivs.IngestConfiguration {
	return ivs.IngestConfiguration{
		ARN: arn, Name: serial, StageARN: stageA, RedundantIngest: true,
		StreamKey:   ivs.NewStreamKey("sk_secret"),
		Credentials: f.credsKey,
	}
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
