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
