package emulator

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
)

// stepTo advances the fake clock and the simulator to the given tick.
func (v *env) stepTo(tick int64) {
	for v.e.simTicks < tick {
		v.clock.Advance(TickInterval)
		v.e.Step()
	}
}

// snapshot renders what a console would see of a region, through the SDK.
func (v *env) snapshot(region string) string {
	c := v.client(region)
	var b strings.Builder
	for _, st := range must(c.ListStages(ctx(), &ivsrealtime.ListStagesInput{})).Stages {
		fmt.Fprintf(&b, "stage %s %s %s\n", *st.Arn, *st.Name, aws.ToString(st.ActiveSessionId))
		if st.ActiveSessionId == nil {
			continue
		}
		p := ivsrealtime.NewListParticipantsPaginator(c, &ivsrealtime.ListParticipantsInput{StageArn: st.Arn, SessionId: st.ActiveSessionId, MaxResults: aws.Int32(100)})
		for p.HasMorePages() {
			for _, x := range must(p.NextPage(ctx())).Participants {
				fmt.Fprintf(&b, " %s %s %s %v %s %s\n", *x.ParticipantId, aws.ToString(x.UserId), x.State, x.Published, x.RecordingState, x.FirstJoinTime.Format("15:04:05.000"))
			}
		}
	}
	for _, ic := range must(c.ListIngestConfigurations(ctx(), &ivsrealtime.ListIngestConfigurationsInput{})).IngestConfigurations {
		fmt.Fprintf(&b, "ingest %s %s %s\n", *ic.Name, ic.State, *ic.StageArn)
	}
	return b.String()
}

func TestSimulatorDeterministic(t *testing.T) {
	a, b := newEnv(t, SeedDemo), newEnv(t, SeedDemo)
	a.stepTo(45)
	b.stepTo(45)
	for _, r := range []string{"us-east-1", "eu-west-1"} {
		sa, sb := a.snapshot(r), b.snapshot(r)
		if sa != sb {
			t.Fatalf("%s differs between two runs with the same RandSeed", r)
		}
	}
	c := newEnv(t, SeedDemo, func(o *Options) { o.RandSeed = 43 })
	c.stepTo(45)
	if a.snapshot("us-east-1") == c.snapshot("us-east-1") {
		t.Fatal("another RandSeed gives the same world")
	}
}

func TestSimulatorRedundantPairDropsAndRecovers(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	stage, session := v.stageNamed("us-east-1", "studio-b")
	cfg := v.ingestNamed("us-east-1", "studio-b-redundant")
	state := func() (map[string]types.ParticipantState, types.IngestConfigurationState) {
		m := map[string]types.ParticipantState{}
		for _, p := range must(c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, FilterByUserId: aws.String("studio-b-program")})).Participants {
			if !p.RedundantIngest || aws.ToString(p.IngestConfigurationArn) != cfg.arn {
				t.Fatalf("encoder summary %+v", p)
			}
			m[*p.ParticipantId] = p.State
		}
		got := must(c.GetIngestConfiguration(ctx(), &ivsrealtime.GetIngestConfigurationInput{Arn: &cfg.arn})).IngestConfiguration
		return m, got.State
	}
	lastEvents := func(pid string, n int) string {
		evs := must(c.ListParticipantEvents(ctx(), &ivsrealtime.ListParticipantEventsInput{StageArn: &stage, SessionId: &session, ParticipantId: &pid})).Events
		var names []string
		for _, e := range evs[max(0, len(evs)-n):] {
			names = append(names, string(e.Name))
		}
		return strings.Join(names, ",")
	}
	e0, e1 := cfg.creds[0].participantID, cfg.creds[1].participantID

	m, s := state()
	if m[e0] != types.ParticipantStateConnected || m[e1] != types.ParticipantStateConnected || s != types.IngestConfigurationStateActive {
		t.Fatalf("protected at start: %v %s", m, s)
	}
	v.stepTo(flapDropAt)
	m, s = state()
	if m[e0] != types.ParticipantStateDisconnected || m[e1] != types.ParticipantStateConnected || s != types.IngestConfigurationStateActive {
		t.Fatalf("degraded after the drop: %v %s", m, s)
	}
	if got := lastEvents(e0, 2); got != "PUBLISH_STOPPED,LEFT" {
		t.Fatalf("dropped encoder events end %s", got)
	}
	v.stepTo(flapRejoinAt)
	m, s = state()
	if m[e0] != types.ParticipantStateConnected || m[e1] != types.ParticipantStateConnected || s != types.IngestConfigurationStateActive {
		t.Fatalf("protected after recovery: %v %s", m, s)
	}
	if got := lastEvents(e0, 2); got != "JOINED,PUBLISH_STARTED" {
		t.Fatalf("recovered encoder events end %s", got)
	}
	// Next cycle, the other encoder drops.
	v.stepTo(flapPeriod + flapDropAt)
	m, _ = state()
	if m[e0] != types.ParticipantStateConnected || m[e1] != types.ParticipantStateDisconnected {
		t.Fatalf("second drop: %v", m)
	}
}

func TestSimulatorSessionsStartAndEnd(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	qa, _ := v.stageNamed("us-east-1", "qa-sandbox")
	enc := v.ingestNamed("us-east-1", "qa-sandbox-encoder")
	keynote, ks := v.stageNamed("us-east-1", "main-stage-keynote")
	count := func() int {
		return len(listAll(t, c, &ivsrealtime.ListParticipantsInput{StageArn: &keynote, SessionId: &ks, MaxResults: aws.Int32(100)}, nil))
	}
	before := count()

	v.stepTo(6) // the cycling encoder connects on tick 5
	st := must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: &qa})).Stage
	if st.ActiveSessionId == nil {
		t.Fatal("the first join opens a session")
	}
	sid := *st.ActiveSessionId
	if s := must(c.GetIngestConfiguration(ctx(), &ivsrealtime.GetIngestConfigurationInput{Arn: &enc.arn})).IngestConfiguration.State; s != types.IngestConfigurationStateActive {
		t.Fatalf("publishing encoder: %s", s)
	}
	p := must(c.GetParticipant(ctx(), &ivsrealtime.GetParticipantInput{StageArn: &qa, SessionId: &sid, ParticipantId: &enc.participantID})).Participant
	if p.Protocol != types.ParticipantProtocolRtmp || aws.ToString(p.IngestConfigurationArn) != enc.arn || p.RedundantIngest {
		t.Fatalf("encoder participant %+v", p)
	}

	v.stepTo(5 + cycleStopAt + 1) // it stops; the session stays a few minutes
	if s := must(c.GetIngestConfiguration(ctx(), &ivsrealtime.GetIngestConfigurationInput{Arn: &enc.arn})).IngestConfiguration.State; s != types.IngestConfigurationStateInactive {
		t.Fatalf("stopped encoder: %s", s)
	}
	if st := must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: &qa})).Stage; aws.ToString(st.ActiveSessionId) != sid {
		t.Fatal("the session ended at once")
	}
	ticksToEnd := int64(sessionEndGrace / TickInterval)
	v.stepTo(5 + cycleStopAt + ticksToEnd + 1)
	if st := must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: &qa})).Stage; st.ActiveSessionId != nil {
		t.Fatalf("session still live after %v without publishers", sessionEndGrace)
	}
	ended := must(c.GetStageSession(ctx(), &ivsrealtime.GetStageSessionInput{StageArn: &qa, SessionId: &sid})).StageSession
	if ended.EndTime == nil || !ended.EndTime.After(*ended.StartTime) {
		t.Fatalf("ended session %+v", ended)
	}

	// Meanwhile the keynote crowd moved.
	if after := count(); after <= before {
		t.Fatalf("no one joined the keynote in %d ticks (%d -> %d)", v.e.simTicks, before, after)
	}
}

func TestStartRunsTicker(t *testing.T) {
	e, err := New(Options{Seed: SeedEmpty, Simulate: true})
	if err != nil {
		t.Fatal(err)
	}
	e.Start(ctx())
	e.Start(ctx()) // idempotent
	e.Close()
	e.Close()
	off, _ := New(Options{Seed: SeedEmpty})
	off.Start(ctx()) // no-op without Simulate
	off.Close()
}

// TestConcurrentTrafficAndSimulation runs API calls while the simulator
// steps (meaningful under -race).
func TestConcurrentTrafficAndSimulation(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	stage, session := v.stageNamed("us-east-1", "studio-b")
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 50 {
			v.clock.Advance(TickInterval)
			v.e.Step()
		}
	}()
	for range 30 {
		must(c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session}))
		must(c.ListIngestConfigurations(ctx(), &ivsrealtime.ListIngestConfigurationsInput{}))
	}
	<-done
}

// TestSimulatorRunningEncoderNotRedialled: when the pair is brought back up
// each minute, the encoder that never dropped is left alone (no spurious
// PUBLISH_ERROR REUSE_OF_STREAM_KEY).
func TestSimulatorRunningEncoderNotRedialled(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	stage, session := v.stageNamed("us-east-1", "studio-b")
	cfg := v.ingestNamed("us-east-1", "studio-b-redundant")
	v.stepTo(2*flapPeriod + 1)
	for _, cr := range cfg.creds {
		evs := must(c.ListParticipantEvents(ctx(), &ivsrealtime.ListParticipantEventsInput{StageArn: &stage, SessionId: &session, ParticipantId: aws.String(cr.participantID)})).Events
		for _, e := range evs {
			if e.ErrorCode == types.EventErrorCodeReuseOfStreamKey {
				t.Fatalf("encoder %s: %s %s at %v", cr.participantID, e.Name, e.ErrorCode, e.EventTime)
			}
		}
	}
}
