package emulator

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
)

// listAll pages through a session with the SDK paginator.
func listAll(t *testing.T, c *ivsrealtime.Client, in *ivsrealtime.ListParticipantsInput, between func()) []types.ParticipantSummary {
	t.Helper()
	var out []types.ParticipantSummary
	p := ivsrealtime.NewListParticipantsPaginator(c, in)
	for p.HasMorePages() {
		out = append(out, must(p.NextPage(ctx())).Participants...)
		if between != nil {
			between()
		}
	}
	return out
}

func TestBigSessionPaging(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	stage, session := v.stageNamed("us-east-1", "main-stage-keynote")

	// The participants present before paging starts must all come back once,
	// while the simulator adds and removes participants between pages.
	v.e.mu.Lock()
	var before []string
	for _, p := range v.e.worlds["us-east-1"].stageByID[stage[strings.LastIndex(stage, "/")+1:]].active.parts {
		before = append(before, p.id)
	}
	v.e.mu.Unlock()
	if len(before) < 5000 {
		t.Fatalf("the keynote session has %d participants, want 5,000+", len(before))
	}
	got := listAll(t, c, &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, MaxResults: aws.Int32(100)},
		func() { v.clock.Advance(TickInterval); v.e.Step() })
	seen := map[string]bool{}
	for _, p := range got {
		if seen[*p.ParticipantId] {
			t.Fatalf("duplicate %s", *p.ParticipantId)
		}
		seen[*p.ParticipantId] = true
		if p.FirstJoinTime == nil || p.State == "" || p.RecordingState == "" || p.ReplicationType == "" {
			t.Fatalf("incomplete summary %+v", p)
		}
	}
	for _, id := range before {
		if !seen[id] {
			t.Fatalf("gap: %s missing", id)
		}
	}
	if len(got) <= len(before) {
		t.Logf("simulator added no participants while paging (%d)", len(got))
	}

	// Shapes of the crowd: replicas, disconnections, recording states, redundancy absent here.
	counts := map[string]int{}
	for _, p := range got {
		counts[string(p.State)]++
		counts["rec:"+string(p.RecordingState)]++
		counts["repl:"+string(p.ReplicationType)]++
		if p.Published {
			counts["published"]++
		}
		if p.ReplicationType == types.ReplicationTypeReplica && (p.SourceStageArn == nil || p.SourceSessionId == nil) {
			t.Fatalf("replica without source %+v", p)
		}
	}
	for _, k := range []string{"CONNECTED", "DISCONNECTED", "rec:ACTIVE", "rec:STOPPED", "rec:FAILED", "rec:STARTING", "rec:STOPPING", "rec:DISABLED", "repl:REPLICA", "published"} {
		if counts[k] == 0 {
			t.Errorf("no %s participant in the demo session", k)
		}
	}
	t.Logf("keynote: %v", counts)

	// Filters, each alone, page consistently.
	pub := listAll(t, c, &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, FilterByPublished: true}, nil)
	for _, p := range pub {
		if !p.Published {
			t.Fatal("filterByPublished leaked")
		}
	}
	disc := listAll(t, c, &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, FilterByState: types.ParticipantStateDisconnected, MaxResults: aws.Int32(100)}, nil)
	if len(disc) < 100 {
		t.Fatalf("only %d disconnected", len(disc))
	}
	for _, p := range disc {
		if p.State != types.ParticipantStateDisconnected {
			t.Fatal("filterByState leaked")
		}
	}
	rec := listAll(t, c, &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, FilterByRecordingState: types.ParticipantRecordingFilterByRecordingStateFailed}, nil)
	if len(rec) != 1 {
		t.Fatalf("FAILED recordings: %d", len(rec))
	}
	user := listAll(t, c, &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, FilterByUserId: aws.String("host-keynote-01")}, nil)
	if len(user) != 1 || *user[0].UserId != "host-keynote-01" {
		t.Fatalf("by user: %+v", user)
	}
}

func TestNextTokenTamperProof(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	stage, session := v.stageNamed("us-east-1", "main-stage-keynote")
	first := must(c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, MaxResults: aws.Int32(10)}))
	tok := *first.NextToken
	if strings.Contains(tok, session) || len(tok) > 1024 {
		t.Fatalf("token not opaque: %s", tok)
	}
	// Valid once more with the same request.
	must(c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, NextToken: &tok}))

	flip := []byte(tok)
	if flip[3] == 'A' {
		flip[3] = 'B'
	} else {
		flip[3] = 'A'
	}
	other := newEnv(t, SeedDemo)
	otherTok := *must(other.client("us-east-1").ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, MaxResults: aws.Int32(10)})).NextToken
	_ = otherTok
	bad := map[string]func() error{
		"altered": func() error {
			_, err := c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, NextToken: aws.String(string(flip))})
			return err
		},
		"other filter": func() error {
			_, err := c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, NextToken: &tok, FilterByPublished: true})
			return err
		},
		"other operation": func() error {
			_, err := c.ListStages(ctx(), &ivsrealtime.ListStagesInput{NextToken: &tok})
			return err
		},
		"other region": func() error {
			_, err := v.client("eu-west-1").ListStages(ctx(), &ivsrealtime.ListStagesInput{NextToken: &tok})
			return err
		},
		"other emulator": func() error {
			_, err := c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, NextToken: &otherTok})
			return err
		},
		"truncated": func() error {
			_, err := c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, NextToken: aws.String(tok[:len(tok)-2])})
			return err
		},
	}
	for name, call := range bad {
		var ve *types.ValidationException
		if err := call(); !errors.As(err, &ve) {
			t.Errorf("%s token: %v", name, err)
		}
	}
}

func TestParticipantDetailAndEvents(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	stage, session := v.stageNamed("us-east-1", "sports-feed-1")
	cfg := v.ingestNamed("us-east-1", "sports-feed-1-redundant")
	// Degraded pair: encoder 0 dropped on BITRATE_EXCEEDED and left, encoder 1 publishes.
	events := func(pid string) string {
		var names []string
		for _, e := range must(c.ListParticipantEvents(ctx(), &ivsrealtime.ListParticipantEventsInput{StageArn: &stage, SessionId: &session, ParticipantId: &pid})).Events {
			n := string(e.Name)
			if e.ErrorCode != "" {
				n += ":" + string(e.ErrorCode)
			}
			names = append(names, n)
			if *e.ParticipantId != pid || e.EventTime == nil {
				t.Fatalf("event %+v", e)
			}
		}
		return strings.Join(names, ",")
	}
	if got := events(cfg.creds[0].participantID); got != "JOINED,PUBLISH_STARTED,PUBLISH_ERROR:BITRATE_EXCEEDED,PUBLISH_STOPPED,LEFT" {
		t.Fatalf("dropped encoder: %s", got)
	}
	if got := events(cfg.creds[1].participantID); got != "JOINED,PUBLISH_STARTED,PUBLISH_ERROR:REUSE_OF_STREAM_KEY" {
		t.Fatalf("surviving encoder: %s", got)
	}
	p := must(c.GetParticipant(ctx(), &ivsrealtime.GetParticipantInput{StageArn: &stage, SessionId: &session, ParticipantId: &cfg.creds[1].participantID})).Participant
	if p.Protocol != types.ParticipantProtocolRtmps || !p.RedundantIngest || *p.IngestConfigurationArn != cfg.arn || p.State != types.ParticipantStateConnected {
		t.Fatalf("encoder detail %+v", p)
	}
	// A web viewer has client details.
	viewers := must(c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, FilterByState: types.ParticipantStateConnected, MaxResults: aws.Int32(100)})).Participants
	var viewer *types.ParticipantSummary
	for i := range viewers {
		if !viewers[i].Published {
			viewer = &viewers[i]
			break
		}
	}
	d := must(c.GetParticipant(ctx(), &ivsrealtime.GetParticipantInput{StageArn: &stage, SessionId: &session, ParticipantId: viewer.ParticipantId})).Participant
	if d.BrowserName == nil || d.OsName == nil || d.IspName == nil || d.SdkVersion == nil || d.Attributes == nil {
		t.Fatalf("viewer detail %+v", d)
	}
	_, err := c.GetParticipant(ctx(), &ivsrealtime.GetParticipantInput{StageArn: &stage, SessionId: &session, ParticipantId: aws.String("nobody")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("unknown participant: %v", err)
	}
	// Event paging.
	keynote, ks := v.stageNamed("us-east-1", "main-stage-keynote")
	all := listAll(t, c, &ivsrealtime.ListParticipantsInput{StageArn: &keynote, SessionId: &ks, FilterByUserId: aws.String("maya.chen")}, nil)
	if len(all) != 1 || all[0].ReplicationType != types.ReplicationTypeReplica {
		t.Fatalf("replica %+v", all)
	}
	var n int
	ep := ivsrealtime.NewListParticipantEventsPaginator(c, &ivsrealtime.ListParticipantEventsInput{StageArn: &keynote, SessionId: &ks, ParticipantId: all[0].ParticipantId, MaxResults: aws.Int32(1)})
	for ep.HasMorePages() {
		n += len(must(ep.NextPage(ctx())).Events)
	}
	if n != 2 {
		t.Fatalf("replica events: %d", n)
	}
}

func TestDisconnectParticipant(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	stage, session := v.stageNamed("us-east-1", "studio-b")
	viewers := must(c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, FilterByState: types.ParticipantStateConnected})).Participants
	var viewer string
	for _, p := range viewers {
		if !p.Published {
			viewer = *p.ParticipantId
			break
		}
	}
	must(c.DisconnectParticipant(ctx(), &ivsrealtime.DisconnectParticipantInput{StageArn: &stage, ParticipantId: &viewer, Reason: aws.String("spam")}))
	p := must(c.GetParticipant(ctx(), &ivsrealtime.GetParticipantInput{StageArn: &stage, SessionId: &session, ParticipantId: &viewer})).Participant
	if p.State != types.ParticipantStateDisconnected {
		t.Fatalf("still %s", p.State)
	}
	_, err := c.DisconnectParticipant(ctx(), &ivsrealtime.DisconnectParticipantInput{StageArn: &stage, ParticipantId: &viewer})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("disconnecting twice: %v", err)
	}
	// Disconnecting an encoder clears its configuration's stage (IVS documents it).
	gfx := v.ingestNamed("us-east-1", "studio-b-graphics")
	must(c.DisconnectParticipant(ctx(), &ivsrealtime.DisconnectParticipantInput{StageArn: &stage, ParticipantId: &gfx.participantID}))
	got := must(c.GetIngestConfiguration(ctx(), &ivsrealtime.GetIngestConfigurationInput{Arn: &gfx.arn})).IngestConfiguration
	if *got.StageArn != "" || got.State != types.IngestConfigurationStateInactive {
		t.Fatalf("after disconnect: %+v", got)
	}
}
