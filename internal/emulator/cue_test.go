package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
)

// cue posts a cue that must succeed and decodes its answer into out.
func (v *env) cue(path, body string, out any) {
	v.t.Helper()
	code, resp := v.admin("POST", path, body)
	if code != 200 {
		v.t.Fatalf("%s %s: %d %s", path, body, code, resp)
	}
	v.noStreamKeys(resp)
	if out != nil {
		if err := json.Unmarshal([]byte(resp), out); err != nil {
			v.t.Fatalf("%s: %v in %s", path, err, resp)
		}
	}
}

// adminFailure calls the admin API and returns the status and the error
// message of the answer (which must have the admin error shape).
func (v *env) adminFailure(method, path, body string) (int, string) {
	v.t.Helper()
	code, resp := v.admin(method, path, body)
	var e struct{ Error, Message string }
	if err := json.Unmarshal([]byte(resp), &e); err != nil || e.Error == "" || e.Message == "" {
		v.t.Fatalf("%s %s: not an admin error: %d %s", method, path, code, resp)
	}
	return code, e.Message
}

// cueIngests is GET /_emulator/ingest for a region, by configuration name.
func (v *env) cueIngests(region string) map[string]cueIngestOut {
	v.t.Helper()
	code, body := v.admin("GET", "ingest?region="+region, "")
	if code != 200 {
		v.t.Fatalf("list: %d %s", code, body)
	}
	v.noStreamKeys(body)
	var out struct {
		Region               string
		IngestConfigurations []cueIngestOut
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		v.t.Fatal(err)
	}
	if out.Region != region {
		v.t.Fatalf("list of %s answers for %s", region, out.Region)
	}
	m := map[string]cueIngestOut{}
	for _, c := range out.IngestConfigurations {
		m[c.Name] = c
	}
	return m
}

// noStreamKeys fails if s holds any stream key of the emulator.
func (v *env) noStreamKeys(s string) {
	v.t.Helper()
	v.e.mu.Lock()
	defer v.e.mu.Unlock()
	for _, w := range v.e.worlds {
		for key := range w.keys {
			if strings.Contains(s, key) {
				v.t.Fatalf("a stream key leaked: %s", s)
			}
		}
	}
	if strings.Contains(s, "rt_"+v.e.opts.AccountID) {
		v.t.Fatalf("something shaped like a stream key leaked: %s", s)
	}
}

// eventsOf lists a participant's events through the SDK as "NAME[:CODE]@hh:mm:ss".
func eventsOf(t *testing.T, c *ivsrealtime.Client, stage, session, pid string) []string {
	t.Helper()
	var out []string
	p := ivsrealtime.NewListParticipantEventsPaginator(c, &ivsrealtime.ListParticipantEventsInput{StageArn: &stage, SessionId: &session, ParticipantId: &pid})
	for p.HasMorePages() {
		for _, e := range must(p.NextPage(ctx())).Events {
			s := string(e.Name)
			if e.ErrorCode != "" {
				s += ":" + string(e.ErrorCode)
			}
			out = append(out, s+"@"+e.EventTime.UTC().Format("15:04:05"))
		}
	}
	return out
}

func tail(s []string, n int) string { return strings.Join(s[max(0, len(s)-n):], ",") }

func participantState(t *testing.T, c *ivsrealtime.Client, stage, session, pid string) (types.ParticipantState, bool) {
	t.Helper()
	p := must(c.GetParticipant(ctx(), &ivsrealtime.GetParticipantInput{StageArn: &stage, SessionId: &session, ParticipantId: &pid})).Participant
	return p.State, p.Published
}

func ingestState(c *ivsrealtime.Client, arn string) types.IngestConfigurationState {
	return must(c.GetIngestConfiguration(ctx(), &ivsrealtime.GetIngestConfigurationInput{Arn: &arn})).IngestConfiguration.State
}

func TestCueDropAndRecoverRedundantEncoder(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	stage, session := v.stageNamed("us-east-1", "studio-b")
	cfg := v.ingestNamed("us-east-1", "studio-b-redundant")
	a, b := cfg.creds[0].participantID, cfg.creds[1].participantID
	at := testEpoch.Format("15:04:05")

	before := v.cueIngests("us-east-1")["studio-b-redundant"]
	if before.State != "ACTIVE" || before.SessionID != session || len(before.Encoders) != 2 ||
		before.Encoders[0] != (cueEncoderOut{"A", a, true, true, false}) || before.Encoders[1] != (cueEncoderOut{"B", b, true, true, false}) {
		t.Fatalf("before: %+v", before)
	}

	var got cueIngestOut
	v.cue("encoder/drop", fmt.Sprintf(`{"ingestConfiguration":%q,"encoder":"A","errorCode":"BITRATE_EXCEEDED"}`, cfg.arn), &got)
	if got.State != "ACTIVE" || got.Encoders[0] != (cueEncoderOut{"A", a, false, false, true}) || !got.Encoders[1].Publishing {
		t.Fatalf("after dropping A: %+v", got)
	}
	if s, _ := participantState(t, c, stage, session, a); s != types.ParticipantStateDisconnected {
		t.Fatalf("A is %s", s)
	}
	if s, _ := participantState(t, c, stage, session, b); s != types.ParticipantStateConnected {
		t.Fatalf("B is %s", s)
	}
	if e := tail(eventsOf(t, c, stage, session, a), 3); e != "PUBLISH_ERROR:BITRATE_EXCEEDED@"+at+",PUBLISH_STOPPED@"+at+",LEFT@"+at {
		t.Fatalf("A's events end %s", e)
	}
	if s := ingestState(c, cfg.arn); s != types.IngestConfigurationStateActive {
		t.Fatalf("one encoder left: %s", s)
	}

	// B by id and region, without an error: the pair is down.
	v.cue("encoder/drop", fmt.Sprintf(`{"region":"us-east-1","ingestConfiguration":%q,"encoder":"b"}`, cfg.id), &got)
	if got.State != "INACTIVE" || got.Encoders[1].Connected || !got.Encoders[1].Held {
		t.Fatalf("after dropping B: %+v", got)
	}
	if e := tail(eventsOf(t, c, stage, session, b), 3); e != "PUBLISH_STARTED@14:20:22,PUBLISH_STOPPED@"+at+",LEFT@"+at {
		t.Fatalf("B's events end %s", e)
	}
	if s := ingestState(c, cfg.arn); s != types.IngestConfigurationStateInactive {
		t.Fatalf("both encoders dropped: %s", s)
	}
	if code, body := v.admin("POST", "encoder/drop", fmt.Sprintf(`{"ingestConfiguration":%q,"encoder":"A"}`, cfg.arn)); code != 409 || !strings.Contains(body, "not connected") {
		t.Fatalf("dropping a dropped encoder: %d %s", code, body)
	}

	// The simulator leaves held encoders down through its whole script (the
	// host keeps the session live).
	v.stepTo(2*flapPeriod + flapRejoinAt + 1)
	if now := v.cueIngests("us-east-1")["studio-b-redundant"]; now.State != "INACTIVE" || now.Encoders[0].Connected || now.Encoders[1].Connected {
		t.Fatalf("the simulator undid the drops: %+v", now)
	}

	// Recover A: it joins the same session with the same id and publishes.
	v.clock.Advance(time.Second)
	at = v.clock.Now().UTC().Format("15:04:05")
	v.cue("encoder/recover", fmt.Sprintf(`{"ingestConfiguration":%q,"encoder":"A"}`, cfg.arn), &got)
	if got.State != "ACTIVE" || got.SessionID != session || got.Encoders[0] != (cueEncoderOut{"A", a, true, true, false}) || got.Encoders[1].Connected {
		t.Fatalf("after recovering A: %+v", got)
	}
	if s, pub := participantState(t, c, stage, session, a); s != types.ParticipantStateConnected || !pub {
		t.Fatalf("recovered A is %s published=%v", s, pub)
	}
	if e := tail(eventsOf(t, c, stage, session, a), 2); e != "JOINED@"+at+",PUBLISH_STARTED@"+at {
		t.Fatalf("A's events end %s", e)
	}
	if s := ingestState(c, cfg.arn); s != types.IngestConfigurationStateActive {
		t.Fatalf("A recovered: %s", s)
	}
	if code, body := v.admin("POST", "encoder/recover", fmt.Sprintf(`{"ingestConfiguration":%q,"encoder":"A"}`, cfg.arn)); code != 409 || !strings.Contains(body, "already connected") {
		t.Fatalf("recovering a connected encoder: %d %s", code, body)
	}
	// Recovered encoders are the simulator's again: B, still held, stays
	// down, so the simulator does not drop A either.
	v.stepTo(3*flapPeriod + flapRejoinAt + 1)
	if now := v.cueIngests("us-east-1")["studio-b-redundant"]; !now.Encoders[0].Publishing || now.Encoders[1].Connected {
		t.Fatalf("a degraded pair: %+v", now)
	}
	v.cue("encoder/recover", fmt.Sprintf(`{"ingestConfiguration":%q,"encoder":"B"}`, cfg.arn), nil)
	v.stepTo(4*flapPeriod + flapDropAt)
	if now := v.cueIngests("us-east-1")["studio-b-redundant"]; now.Encoders[0].Connected == now.Encoders[1].Connected {
		t.Fatalf("the simulator's flapping did not resume: %+v", now)
	}
}

// TestCueHeldEncoderSurvivesTheScript: with one encoder dropped on cue, the
// simulator neither brings it back nor drops the other one.
func TestCueHeldEncoderSurvivesTheScript(t *testing.T) {
	for i, name := range []string{"A", "B"} {
		t.Run(name, func(t *testing.T) {
			v := newEnv(t, SeedDemo)
			cfg := v.ingestNamed("eu-west-1", "eu-esports-redundant")
			v.cue("encoder/drop", fmt.Sprintf(`{"ingestConfiguration":%q,"encoder":%q,"errorCode":"RESOLUTION_EXCEEDED"}`, cfg.arn, name), nil)
			for tick := int64(1); tick <= 3*flapPeriod; tick++ {
				v.stepTo(tick)
				enc := v.cueIngests("eu-west-1")["eu-esports-redundant"].Encoders
				if enc[i].Connected || !enc[i].Held || !enc[1-i].Publishing {
					t.Fatalf("tick %d: %+v", tick, enc)
				}
			}
		})
	}
}

func TestCueSingleEncoder(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.client("eu-west-1")
	st := must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Name: aws.String("cue")})).Stage
	cfg := must(c.CreateIngestConfiguration(ctx(), &ivsrealtime.CreateIngestConfigurationInput{
		StageArn: st.Arn, IngestProtocol: types.IngestProtocolRtmps, UserId: aws.String("obs")})).IngestConfiguration

	if code, body := v.admin("POST", "encoder/drop", fmt.Sprintf(`{"ingestConfiguration":%q}`, *cfg.Arn)); code != 409 || !strings.Contains(body, "not connected") {
		t.Fatalf("dropping an idle encoder: %d %s", code, body)
	}
	if code, body := v.admin("POST", "encoder/recover", fmt.Sprintf(`{"ingestConfiguration":%q,"encoder":"B"}`, *cfg.Arn)); code != 400 || !strings.Contains(body, "does not use redundant ingest") {
		t.Fatalf("B of a single encoder: %d %s", code, body)
	}

	// Recovering opens a session, as a first join does.
	var got cueIngestOut
	v.cue("encoder/recover", fmt.Sprintf(`{"ingestConfiguration":%q,"encoder":""}`, *cfg.Arn), &got)
	sid := aws.ToString(must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: st.Arn})).Stage.ActiveSessionId)
	if sid == "" || got.SessionID != sid || got.State != "ACTIVE" || len(got.Encoders) != 1 ||
		got.Encoders[0] != (cueEncoderOut{"A", *cfg.ParticipantId, true, true, false}) {
		t.Fatalf("recovered into %q: %+v", sid, got)
	}
	if s := ingestState(c, *cfg.Arn); s != types.IngestConfigurationStateActive {
		t.Fatalf("state %s", s)
	}
	if e := strings.Join(eventsOf(t, c, *st.Arn, sid, *cfg.ParticipantId), ","); e != "JOINED@15:00:00,PUBLISH_STARTED@15:00:00" {
		t.Fatalf("events %s", e)
	}

	v.clock.Advance(time.Minute)
	v.cue("encoder/drop", fmt.Sprintf(`{"region":"eu-west-1","ingestConfiguration":%q,"encoder":"A","errorCode":"B_FRAME_PRESENT"}`, *cfg.Arn), &got)
	if got.State != "INACTIVE" || got.Encoders[0].Connected || !got.Encoders[0].Held {
		t.Fatalf("dropped: %+v", got)
	}
	if e := tail(eventsOf(t, c, *st.Arn, sid, *cfg.ParticipantId), 3); e != "PUBLISH_ERROR:B_FRAME_PRESENT@15:01:00,PUBLISH_STOPPED@15:01:00,LEFT@15:01:00" {
		t.Fatalf("events %s", e)
	}
	if s, _ := participantState(t, c, *st.Arn, sid, *cfg.ParticipantId); s != types.ParticipantStateDisconnected {
		t.Fatalf("participant %s", s)
	}

	// Publishing by key is a recovery too: it clears the hold.
	v.publish("eu-west-1", *cfg.StreamKey)
	if got := v.cueIngests("eu-west-1"); got[""].Encoders[0].Held || !got[""].Encoders[0].Publishing {
		t.Fatalf("after publishing by key: %+v", got)
	}
}

func TestCueEncoderBadInput(t *testing.T) {
	v := newEnv(t, SeedDemo)
	red := v.ingestNamed("us-east-1", "studio-b-redundant")
	single := v.ingestNamed("us-east-1", "keynote-main-rtmps")
	spare := v.ingestNamed("us-east-1", "unassigned-spare")
	eu := v.ingestNamed("eu-west-1", "eu-news-desk-rtmps")
	for _, tc := range []struct {
		path, body string
		code       int
		msg        string
	}{
		{"encoder/drop", ``, 400, "a JSON body is required"},
		{"encoder/drop", `{"encoder":"A"}`, 400, "ingestConfiguration is required"},
		{"encoder/drop", `{"ingestConfiguration":"nope","encoder":"A"}`, 404, "ingest configuration nope not found in us-east-1"},
		{"encoder/drop", `{"ingestConfiguration":"arn:aws:ivs:us-east-1:123456789012:ingest-configuration/AAAAAAAAAAAA","encoder":"A"}`, 404, "not found"},
		{"encoder/drop", `{"ingestConfiguration":"arn:aws:ivs:us-east-1:999999999999:ingest-configuration/` + red.id + `","encoder":"A"}`, 404, "not found"},
		{"encoder/drop", `{"ingestConfiguration":"arn:nope","encoder":"A"}`, 400, "not a valid ARN"},
		{"encoder/drop", `{"ingestConfiguration":"` + eu.id + `","encoder":"A"}`, 404, "not found in us-east-1"},
		{"encoder/drop", `{"region":"us-east-1","ingestConfiguration":"` + eu.arn + `","encoder":"A"}`, 400, "does not match"},
		{"encoder/drop", `{"region":"mars","ingestConfiguration":"x"}`, 400, "invalid region"},
		{"encoder/drop", `{"ingestConfiguration":"` + red.arn + `","encoder":"C"}`, 400, `unknown encoder "C"`},
		{"encoder/drop", `{"ingestConfiguration":"` + red.arn + `"}`, 400, `encoder must be "A" or "B"`},
		{"encoder/drop", `{"ingestConfiguration":"` + single.arn + `","encoder":"B"}`, 400, "does not use redundant ingest"},
		{"encoder/drop", `{"ingestConfiguration":"` + red.arn + `","encoder":"A","errorCode":"TOO_LOUD"}`, 400, "unknown errorCode TOO_LOUD"},
		{"encoder/drop", `{"ingestConfiguration":"` + red.arn + `","encoder":"A","extra":1}`, 400, `unknown field "extra"`},
		{"encoder/drop", `{"ingestConfiguration":"` + spare.arn + `"}`, 409, "not attached to a stage"},
		{"encoder/recover", `{"ingestConfiguration":"` + red.arn + `","encoder":"A","errorCode":"BITRATE_EXCEEDED"}`, 400, `unknown field "errorCode"`},
		{"encoder/recover", `{"ingestConfiguration":"` + spare.arn + `"}`, 409, "not attached to a stage"},
		{"encoder/recover", `{"ingestConfiguration":"` + red.arn + `","encoder":"B"}`, 409, "already connected"},
	} {
		if code, msg := v.adminFailure("POST", tc.path, tc.body); code != tc.code || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s %s: %d %s, want %d %q", tc.path, tc.body, code, msg, tc.code, tc.msg)
		}
	}
	if code, body := v.adminFailure("GET", "ingest?region=nowhere", ""); code != 400 || !strings.Contains(body, "invalid region") {
		t.Errorf("list in a bad region: %d %s", code, body)
	}
	// A region the emulator never saw is empty, and listing it creates nothing.
	if got := v.cueIngests("ap-south-1"); len(got) != 0 {
		t.Errorf("ap-south-1: %+v", got)
	}
	v.e.mu.Lock()
	_, made := v.e.worlds["ap-south-1"]
	v.e.mu.Unlock()
	if made {
		t.Error("listing made a world")
	}
	// Nothing was dropped by the refused cues.
	if s := v.cueIngests("us-east-1")["studio-b-redundant"]; !s.Encoders[0].Publishing || !s.Encoders[1].Publishing {
		t.Errorf("studio-b after refused cues: %+v", s)
	}
}

// syncLog is a log destination safe for concurrent use.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestCueLogsWithoutStreamKeys(t *testing.T) {
	var log syncLog
	v := newEnv(t, SeedDemo, func(o *Options) { o.Logger = slog.New(slog.NewTextHandler(&log, nil)) })
	cfg := v.ingestNamed("us-east-1", "studio-b-redundant")
	v.cue("encoder/drop", fmt.Sprintf(`{"ingestConfiguration":%q,"encoder":"B","errorCode":"BITRATE_EXCEEDED"}`, cfg.arn), nil)
	v.cue("encoder/recover", fmt.Sprintf(`{"ingestConfiguration":%q,"encoder":"B"}`, cfg.arn), nil)
	out := log.String()
	if !strings.Contains(out, "cue=drop") || !strings.Contains(out, "cue=recover") || !strings.Contains(out, cfg.arn) {
		t.Fatalf("cues not logged: %s", out)
	}
	v.noStreamKeys(out)
}

// TestUnpublishByKeyHolds: unpublishing by key is a drop on cue too.
func TestUnpublishByKeyHolds(t *testing.T) {
	v := newEnv(t, SeedDemo)
	cfg := v.ingestNamed("us-east-1", "qa-sandbox-encoder")
	v.stepTo(6) // the cycling encoder connects on tick 5
	if code, body := v.admin("POST", "unpublish", fmt.Sprintf(`{"streamKey":%q}`, cfg.streamKey)); code != 200 {
		t.Fatalf("unpublish: %d %s", code, body)
	}
	v.stepTo(cyclePeriod + 10) // past its next scripted start
	if enc := v.cueIngests("us-east-1")["qa-sandbox-encoder"].Encoders[0]; enc.Connected || !enc.Held {
		t.Fatalf("the simulator restarted a held encoder: %+v", enc)
	}
	v.cue("encoder/recover", fmt.Sprintf(`{"ingestConfiguration":%q}`, cfg.id), nil)
	if enc := v.cueIngests("us-east-1")["qa-sandbox-encoder"].Encoders[0]; !enc.Publishing || enc.Held {
		t.Fatalf("recovered: %+v", enc)
	}
}

func TestCueEndSession(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	stage, session := v.stageNamed("us-east-1", "studio-b")
	red := v.ingestNamed("us-east-1", "studio-b-redundant")
	gfx := v.ingestNamed("us-east-1", "studio-b-graphics")
	host := must(c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, FilterByUserId: aws.String("host-studio-b")})).Participants[0]
	connected := len(listAll(t, c, &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, FilterByState: types.ParticipantStateConnected}, nil))

	v.clock.Advance(90 * time.Second)
	var got struct {
		StageArn, SessionID, EndTime string
		Left                         int
		HeldEncoders                 []cueEncoderName
	}
	v.cue("session/end", fmt.Sprintf(`{"stage":%q}`, stage), &got)
	want := []cueEncoderName{{red.arn, "A"}, {red.arn, "B"}, {gfx.arn, "A"}}
	if got.StageArn != stage || got.SessionID != session || got.EndTime != "2026-04-20T15:01:30.000Z" || got.Left != connected ||
		fmt.Sprint(got.HeldEncoders) != fmt.Sprint(want) {
		t.Fatalf("end: %+v (connected %d)", got, connected)
	}

	check := func() {
		t.Helper()
		if st := must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: &stage})).Stage; st.ActiveSessionId != nil {
			t.Fatalf("activeSessionId %s", *st.ActiveSessionId)
		}
		ended := must(c.GetStageSession(ctx(), &ivsrealtime.GetStageSessionInput{StageArn: &stage, SessionId: &session})).StageSession
		if ended.EndTime == nil || !ended.EndTime.Equal(testEpoch.Add(90*time.Second)) {
			t.Fatalf("endTime %v", ended.EndTime)
		}
		if n := len(listAll(t, c, &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, FilterByState: types.ParticipantStateConnected}, nil)); n != 0 {
			t.Fatalf("%d still connected", n)
		}
		for _, ic := range must(c.ListIngestConfigurations(ctx(), &ivsrealtime.ListIngestConfigurationsInput{FilterByStageArn: &stage})).IngestConfigurations {
			if ic.State != types.IngestConfigurationStateInactive {
				t.Fatalf("%s is %s", *ic.Name, ic.State)
			}
		}
	}
	check()
	if e := tail(eventsOf(t, c, stage, session, *host.ParticipantId), 2); e != "PUBLISH_STOPPED@15:01:30,LEFT@15:01:30" {
		t.Fatalf("host's events end %s", e)
	}
	if e := tail(eventsOf(t, c, stage, session, red.creds[1].participantID), 2); e != "PUBLISH_STOPPED@15:01:30,LEFT@15:01:30" {
		t.Fatalf("encoder B's events end %s", e)
	}
	if code, msg := v.adminFailure("POST", "session/end", fmt.Sprintf(`{"stage":%q}`, stage)); code != 409 || !strings.Contains(msg, "no live session") {
		t.Fatalf("ending again: %d %s", code, msg)
	}

	// The simulator does not reopen it: its encoders are held.
	v.stepTo(2*flapPeriod + 1)
	check()

	// Recovering an encoder opens a new session, as a real encoder would.
	var rec cueIngestOut
	v.cue("encoder/recover", fmt.Sprintf(`{"ingestConfiguration":%q,"encoder":"B"}`, red.arn), &rec)
	st := must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: &stage})).Stage
	if st.ActiveSessionId == nil || *st.ActiveSessionId == session || rec.SessionID != *st.ActiveSessionId || rec.State != "ACTIVE" {
		t.Fatalf("after recovery: stage %v, %+v", st.ActiveSessionId, rec)
	}
	if p := must(c.GetParticipant(ctx(), &ivsrealtime.GetParticipantInput{StageArn: &stage, SessionId: st.ActiveSessionId, ParticipantId: &red.creds[1].participantID})).Participant; p.State != types.ParticipantStateConnected || !p.Published {
		t.Fatalf("B in the new session: %+v", p)
	}

	for _, tc := range []struct {
		body string
		code int
		msg  string
	}{
		{`{}`, 400, "stage is required"},
		{`{"stage":"nope"}`, 404, "stage nope not found in us-east-1"},
		{`{"region":"eu-west-1","stage":"` + stage + `"}`, 400, "does not match"},
		{`{"stage":"` + stage + `","count":1}`, 400, `unknown field "count"`},
	} {
		if code, msg := v.adminFailure("POST", "session/end", tc.body); code != tc.code || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s: %d %s, want %d %q", tc.body, code, msg, tc.code, tc.msg)
		}
	}
}

func TestCueAddAndRemoveParticipants(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.client("us-east-1")
	stArn := *must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Name: aws.String("crowd")})).Stage.Arn
	stID := stArn[strings.LastIndex(stArn, "/")+1:]

	// 500 viewers open a session, as a first join does.
	var added cueParticipantsOut
	v.cue("participants/add", fmt.Sprintf(`{"stage":%q,"count":500}`, stID), &added)
	session := aws.ToString(must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: &stArn})).Stage.ActiveSessionId)
	if session == "" || added.SessionID != session || added.StageArn != stArn || len(added.ParticipantIDs) != 500 || added.Connected != 500 || added.Publishing != 0 {
		t.Fatalf("added: %s %s %d %d %d", added.SessionID, session, len(added.ParticipantIDs), added.Connected, added.Publishing)
	}
	pages := 0
	all := listAll(t, c, &ivsrealtime.ListParticipantsInput{StageArn: &stArn, SessionId: &session, MaxResults: aws.Int32(100)}, func() { pages++ })
	if len(all) != 500 || pages != 5 {
		t.Fatalf("%d participants in %d pages", len(all), pages)
	}
	for i, p := range all {
		if *p.ParticipantId != added.ParticipantIDs[i] || aws.ToString(p.UserId) != fmt.Sprintf("cue-viewer-%d", i+1) ||
			p.State != types.ParticipantStateConnected || p.Published || p.RedundantIngest || p.IngestConfigurationArn != nil {
			t.Fatalf("participant %d: %+v", i, p)
		}
	}
	if e := strings.Join(eventsOf(t, c, stArn, session, added.ParticipantIDs[0]), ","); e != "JOINED@15:00:00" {
		t.Fatalf("viewer events %s", e)
	}

	// Publishers publish; a later viewer subscribes to them.
	v.clock.Advance(time.Second)
	var pubs cueParticipantsOut
	v.cue("participants/add", fmt.Sprintf(`{"region":"us-east-1","stage":%q,"count":2,"published":true,"userIdPrefix":"guest-"}`, stArn), &pubs)
	if pubs.Publishing != 2 || pubs.Connected != 502 {
		t.Fatalf("publishers: %+v", pubs)
	}
	published := listAll(t, c, &ivsrealtime.ListParticipantsInput{StageArn: &stArn, SessionId: &session, FilterByPublished: true}, nil)
	if len(published) != 2 || aws.ToString(published[0].UserId) != "guest-501" || aws.ToString(published[1].UserId) != "guest-502" {
		t.Fatalf("published: %+v", published)
	}
	if e := strings.Join(eventsOf(t, c, stArn, session, pubs.ParticipantIDs[1]), ","); e != "JOINED@15:00:01,PUBLISH_STARTED@15:00:01" {
		t.Fatalf("publisher events %s", e)
	}
	p := must(c.GetParticipant(ctx(), &ivsrealtime.GetParticipantInput{StageArn: &stArn, SessionId: &session, ParticipantId: &pubs.ParticipantIDs[0]})).Participant
	if p.Protocol != types.ParticipantProtocolWhip || p.BrowserName == nil || *p.BrowserName == "" {
		t.Fatalf("a WebRTC participant: %+v", p)
	}
	var late cueParticipantsOut
	v.cue("participants/add", fmt.Sprintf(`{"stage":%q,"count":1}`, stArn), &late)
	evs := must(c.ListParticipantEvents(ctx(), &ivsrealtime.ListParticipantEventsInput{StageArn: &stArn, SessionId: &session, ParticipantId: &late.ParticipantIDs[0]})).Events
	if len(evs) != 3 || evs[1].Name != types.EventNameSubscribeStarted || aws.ToString(evs[1].RemoteParticipantId) != pubs.ParticipantIDs[0] ||
		aws.ToString(evs[2].RemoteParticipantId) != pubs.ParticipantIDs[1] {
		t.Fatalf("late viewer events %+v", evs)
	}

	// 12 publishers per stage.
	if code, msg := v.adminFailure("POST", "participants/add", fmt.Sprintf(`{"stage":%q,"count":11,"published":true}`, stArn)); code != 400 ||
		!strings.Contains(msg, "has 2 publishers: 11 more would exceed the limit of 12 publishers per stage") {
		t.Fatalf("13 publishers: %d %s", code, msg)
	}
	var ten cueParticipantsOut
	v.cue("participants/add", fmt.Sprintf(`{"stage":%q,"count":10,"published":true}`, stArn), &ten)
	if ten.Publishing != 12 {
		t.Fatalf("12 publishers: %+v", ten)
	}
	if code, _ := v.adminFailure("POST", "participants/add", fmt.Sprintf(`{"stage":%q,"count":1,"published":true}`, stArn)); code != 400 {
		t.Fatalf("a 13th publisher: %d", code)
	}

	// Remove: the most recent leave.
	v.clock.Advance(time.Second)
	var removed cueParticipantsOut
	v.cue("participants/remove", fmt.Sprintf(`{"stage":%q,"count":3}`, stArn), &removed)
	want := []string{ten.ParticipantIDs[9], ten.ParticipantIDs[8], ten.ParticipantIDs[7]}
	if fmt.Sprint(removed.ParticipantIDs) != fmt.Sprint(want) || removed.Publishing != 9 || removed.Connected != 513-3 {
		t.Fatalf("removed %+v, want %v", removed, want)
	}
	for _, id := range removed.ParticipantIDs {
		if s, _ := participantState(t, c, stArn, session, id); s != types.ParticipantStateDisconnected {
			t.Fatalf("%s is %s", id, s)
		}
		if e := tail(eventsOf(t, c, stArn, session, id), 2); e != "PUBLISH_STOPPED@15:00:02,LEFT@15:00:02" {
			t.Fatalf("events end %s", e)
		}
	}
	if n := len(listAll(t, c, &ivsrealtime.ListParticipantsInput{StageArn: &stArn, SessionId: &session, FilterByState: types.ParticipantStateConnected, MaxResults: aws.Int32(100)}, nil)); n != 510 {
		t.Fatalf("%d connected", n)
	}
	// Freed publisher slots can be used again.
	v.cue("participants/add", fmt.Sprintf(`{"stage":%q,"count":3,"published":true}`, stArn), nil)

	for _, tc := range []struct {
		path, body string
		code       int
		msg        string
	}{
		{"participants/add", `{"stage":"` + stArn + `"}`, 400, "count must be between 1 and 10000, got 0"},
		{"participants/add", `{"stage":"` + stArn + `","count":10001}`, 400, "count must be between 1 and 10000, got 10001"},
		{"participants/add", `{"stage":"` + stArn + `","count":-1}`, 400, "count must be between 1 and 10000"},
		{"participants/add", `{"stage":"` + stArn + `","count":1,"userIdPrefix":"` + strings.Repeat("x", 101) + `"}`, 400, "userIdPrefix"},
		{"participants/add", `{"stage":"nope","count":1}`, 404, "stage nope not found"},
		{"participants/add", `{"stage":"arn:aws:ivs:us-east-1:123456789012:stage/AAAAAAAAAAAA","count":1}`, 404, "not found"},
		{"participants/add", `{"count":1}`, 400, "stage is required"},
		{"participants/add", `{"stage":"` + stArn + `","count":"5"}`, 400, "invalid JSON body"},
		{"participants/remove", `{"stage":"` + stArn + `","count":0}`, 400, "count must be between 1 and 10000"},
		{"participants/remove", `{"stage":"` + stArn + `","count":10000}`, 409, "has 513 connected WebRTC participants: cannot remove 10000"},
		{"participants/remove", `{"stage":"` + stArn + `","count":1,"published":true}`, 400, `unknown field "published"`},
	} {
		if code, msg := v.adminFailure("POST", tc.path, tc.body); code != tc.code || !strings.Contains(msg, tc.msg) {
			t.Errorf("%s %s: %d %s, want %d %q", tc.path, tc.body, code, msg, tc.code, tc.msg)
		}
	}

	// Removing from a stage without a live session.
	stB := *must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{})).Stage.Arn
	if code, msg := v.adminFailure("POST", "participants/remove", fmt.Sprintf(`{"stage":%q,"count":1}`, stB)); code != 409 || !strings.Contains(msg, "no live session") {
		t.Fatalf("remove without a session: %d %s", code, msg)
	}
}

// TestCueRemoveSparesEncoders: encoders and replicas are not WebRTC
// participants to remove; the demo keynote's publishers count toward 12.
func TestCueRemoveSparesEncoders(t *testing.T) {
	v := newEnv(t, SeedDemo)
	stage, _ := v.stageNamed("us-east-1", "sports-feed-1")
	v.e.mu.Lock()
	viewers := 0
	for _, p := range v.e.worlds["us-east-1"].stageByArn(stage).active.parts {
		if p.connected && p.ingestArn == "" {
			viewers++
		}
	}
	v.e.mu.Unlock()
	var removed cueParticipantsOut
	v.cue("participants/remove", fmt.Sprintf(`{"stage":%q,"count":%d}`, stage, viewers), &removed)
	if removed.Connected != 1 || removed.Publishing != 1 {
		t.Fatalf("after removing %d viewers: %+v", viewers, removed)
	}
	code, msg := v.adminFailure("POST", "participants/remove", fmt.Sprintf(`{"stage":%q,"count":1}`, stage))
	if code != 409 || !strings.Contains(msg, "has 0 connected WebRTC participants") {
		t.Fatalf("%d %s", code, msg)
	}
	if enc := v.cueIngests("us-east-1")["sports-feed-1-redundant"].Encoders; !enc[1].Publishing {
		t.Fatalf("an encoder was removed: %+v", enc)
	}
	keynote, _ := v.stageNamed("us-east-1", "main-stage-keynote")
	if code, msg := v.adminFailure("POST", "participants/add", fmt.Sprintf(`{"stage":%q,"count":6,"published":true}`, keynote)); code != 400 || !strings.Contains(msg, "has 7 publishers") {
		t.Fatalf("keynote: %d %s", code, msg)
	}
}
