package console

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

// The tests' world: stage "live" has a live session with a redundant pair
// (encoder A publishing, B dropped on a bitrate error) and a single-encoder
// configuration; stage "idle" has no session.
const region ivs.Region = "us-east-1"

const (
	liveID    = "LiveStage001"
	idleID    = "IdleStage001"
	sessionID = "st-LIVESESSION1"
	pairID    = "PairCfg00001"
	singleID  = "SingleCfg001"
	encA      = "encoderA0001"
	encB      = "encoderB0001"
)

var t0 = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

func arnOf(id string) string { return ivs.StageARN(region, ivstest.Account, id) }

func ingestARNOf(id string) string {
	return ivs.ARN{Partition: "aws", Region: region, Account: ivstest.Account, Resource: ivs.ResourceIngestConfiguration, ID: id}.String()
}

func newWorld() *ivstest.Fake {
	f := &ivstest.Fake{}
	f.AddStage(ivs.Stage{ID: liveID, ARN: arnOf(liveID), Name: "main", ActiveSessionID: sessionID,
		Endpoints: ivs.StageEndpoints{RTMP: "rtmp://live/app/", RTMPS: "rtmps://live:443/app/"}})
	f.AddStage(ivs.Stage{ID: idleID, ARN: arnOf(idleID), Name: "studio-b"})
	f.AddSession(arnOf(liveID), ivs.StageSession{ID: sessionID, StartTime: t0})
	f.AddIngest(ivs.IngestConfiguration{ID: pairID, ARN: ingestARNOf(pairID), Name: "program", Protocol: ivs.ProtocolRTMPS, StageARN: arnOf(liveID),
		ParticipantID: "virtual00001", State: ivs.IngestActive, RedundantIngest: true, StreamKey: ivs.NewStreamKey("rt_top_SECRET"),
		Credentials: []ivs.RedundantCredential{{ParticipantID: encA, StreamKey: ivs.NewStreamKey("rt_a_SECRET")}, {ParticipantID: encB, StreamKey: ivs.NewStreamKey("rt_b_SECRET")}}})
	f.AddIngest(ivs.IngestConfiguration{ID: singleID, ARN: ingestARNOf(singleID), Name: "gfx", Protocol: ivs.ProtocolRTMP, StageARN: arnOf(liveID),
		ParticipantID: "gfx000000001", State: ivs.IngestInactive, StreamKey: ivs.NewStreamKey("rt_gfx_SECRET")})
	drop := t0.Add(30 * time.Minute)
	f.SetParticipants(arnOf(liveID), sessionID, []ivs.Participant{
		{ID: encA, State: ivs.ParticipantConnected, Published: true, FirstJoinTime: t0, RedundantIngest: true, IngestConfigurationARN: ingestARNOf(pairID)},
		{ID: encB, State: ivs.ParticipantDisconnected, Published: true, FirstJoinTime: t0, RedundantIngest: true, IngestConfigurationARN: ingestARNOf(pairID)},
		{ID: "viewer000001", State: ivs.ParticipantConnected, FirstJoinTime: t0.Add(time.Minute)},
	})
	f.SetEvents(arnOf(liveID), sessionID, encA, []ivs.ParticipantEvent{{Name: "JOINED", Time: t0}, {Name: "PUBLISH_STARTED", Time: t0}})
	f.SetEvents(arnOf(liveID), sessionID, encB, []ivs.ParticipantEvent{{Name: "JOINED", Time: t0}, {Name: "PUBLISH_STARTED", Time: t0},
		{Name: "PUBLISH_ERROR", ErrorCode: "BITRATE_EXCEEDED", Time: drop}, {Name: "PUBLISH_STOPPED", Time: drop}, {Name: "LEFT", Time: drop}})
	return f
}

// recorder is an audit log in memory that can be made to fail.
type recorder struct {
	mu     sync.Mutex
	events []audit.Event
	fail   bool
}

func (r *recorder) Record(_ context.Context, e audit.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errors.New("disk full")
	}
	r.events = append(r.events, e)
	return nil
}

func (r *recorder) last(t *testing.T) audit.Event {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.events) == 0 {
		t.Fatal("nothing was audited")
	}
	return r.events[len(r.events)-1]
}

func newConsole(f *ivstest.Fake, rec Recorder) *Console {
	return New(Options{IVS: f, Audit: rec, Regions: []ivs.Region{region, "eu-west-1"}, Now: func() time.Time { return t0.Add(time.Hour) },
		Logger: slog.New(slog.DiscardHandler)})
}

var actor = Actor{Name: "ops@example.com", Role: "operator", ClientAddr: "192.0.2.1", RequestID: "req-1"}
