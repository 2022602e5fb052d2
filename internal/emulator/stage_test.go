package emulator

import (
	"errors"
	"regexp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
)

func TestStageLifecycle(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.client("us-west-2")

	created := must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{
		Name: aws.String("launch-party"),
		Tags: map[string]string{"team": "events"},
		ParticipantTokenConfigurations: []types.ParticipantTokenConfiguration{
			{UserId: aws.String("host"), Capabilities: []types.ParticipantTokenCapability{types.ParticipantTokenCapabilityPublish}, Duration: aws.Int32(60)},
			{UserId: aws.String("viewer")},
		},
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: aws.String("arn:aws:ivs:us-west-2:123456789012:storage-configuration/abcdABCDefgh"),
		},
	}))
	st := created.Stage
	if !regexp.MustCompile(`^arn:aws:ivs:us-west-2:123456789012:stage/[a-zA-Z0-9]{12}$`).MatchString(*st.Arn) {
		t.Errorf("stage ARN %s", *st.Arn)
	}
	ep := st.Endpoints
	for re, got := range map[string]*string{
		`^https://[a-z0-9]{12}\.global-bm\.whip\.live-video\.net$`:                    ep.Whip,
		`^rtmp://[a-z0-9]{12}\.global-contribute-staging\.live-video\.net/app/$`:      ep.Rtmp,
		`^rtmps://[a-z0-9]{12}\.global-contribute-staging\.live-video\.net:443/app/$`: ep.Rtmps,
		`^wss://global\.events\.live-video\.net$`:                                     ep.Events,
	} {
		if got == nil || !regexp.MustCompile(re).MatchString(*got) {
			t.Errorf("endpoint %v does not match %s", got, re)
		}
	}
	if st.ActiveSessionId != nil || st.Tags["team"] != "events" || *st.Name != "launch-party" {
		t.Errorf("stage %+v", st)
	}
	rec := st.AutoParticipantRecordingConfiguration
	if rec == nil || len(rec.MediaTypes) != 1 || rec.MediaTypes[0] != types.ParticipantRecordingMediaTypeAudioVideo ||
		rec.HlsConfiguration == nil || *rec.HlsConfiguration.TargetSegmentDurationSeconds != 6 {
		t.Errorf("recording defaults: %+v", rec)
	}
	if len(created.ParticipantTokens) != 2 {
		t.Fatalf("tokens: %+v", created.ParticipantTokens)
	}
	tok := created.ParticipantTokens[0]
	if *tok.UserId != "host" || tok.Duration == nil || *tok.Duration != 60 || len(tok.Capabilities) != 1 ||
		tok.ExpirationTime == nil || !tok.ExpirationTime.Equal(testEpoch.Add(60*60e9)) || len(*tok.ParticipantId) != 12 {
		t.Errorf("token %+v", tok)
	}
	if d := created.ParticipantTokens[1]; *d.Duration != 720 || len(d.Capabilities) != 2 {
		t.Errorf("token defaults %+v", d)
	}

	got := must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: st.Arn}))
	if *got.Stage.Name != "launch-party" || *got.Stage.Endpoints.Whip != *ep.Whip {
		t.Errorf("GetStage %+v", got.Stage)
	}
	up := must(c.UpdateStage(ctx(), &ivsrealtime.UpdateStageInput{Arn: st.Arn, Name: aws.String("launch-party-2")}))
	if *up.Stage.Name != "launch-party-2" || up.Stage.AutoParticipantRecordingConfiguration == nil {
		t.Errorf("UpdateStage %+v", up.Stage)
	}
	tokOut := must(c.CreateParticipantToken(ctx(), &ivsrealtime.CreateParticipantTokenInput{StageArn: st.Arn, UserId: aws.String("u1"),
		Attributes: map[string]string{"k": "v"}}))
	if tokOut.ParticipantToken.Token == nil || len(*tokOut.ParticipantToken.Token) < 100 {
		t.Errorf("token %+v", tokOut.ParticipantToken)
	}
	// An issued, unused token can be revoked with DisconnectParticipant.
	must(c.DisconnectParticipant(ctx(), &ivsrealtime.DisconnectParticipantInput{StageArn: st.Arn, ParticipantId: tokOut.ParticipantToken.ParticipantId}))

	must(c.DeleteStage(ctx(), &ivsrealtime.DeleteStageInput{Arn: st.Arn}))
	_, err := c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: st.Arn})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) || nf.ExceptionMessage == nil || *nf.ExceptionMessage == "" {
		t.Fatalf("GetStage after delete: %v", err)
	}
	_, err = c.DeleteStage(ctx(), &ivsrealtime.DeleteStageInput{Arn: st.Arn})
	if !errors.As(err, &nf) {
		t.Fatalf("DeleteStage twice: %v", err)
	}
	_, err = c.CreateParticipantToken(ctx(), &ivsrealtime.CreateParticipantTokenInput{StageArn: st.Arn})
	if !errors.As(err, &nf) {
		t.Fatalf("CreateParticipantToken on a deleted stage: %v", err)
	}
}

func TestListStagesPaging(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.client("us-east-1")
	var want []string
	for i := range 7 {
		st := must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Name: aws.String("s" + string(rune('a'+i)))}))
		want = append(want, *st.Stage.Arn)
	}
	var got []string
	p := ivsrealtime.NewListStagesPaginator(c, &ivsrealtime.ListStagesInput{MaxResults: aws.Int32(3)})
	pages := 0
	for p.HasMorePages() {
		out := must(p.NextPage(ctx()))
		pages++
		for _, s := range out.Stages {
			got = append(got, *s.Arn)
		}
	}
	if pages != 3 || len(got) != 7 {
		t.Fatalf("pages %d, stages %d", pages, len(got))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order: got %v want %v", got, want)
		}
	}
	out := must(c.ListStages(ctx(), &ivsrealtime.ListStagesInput{}))
	if len(out.Stages) != 7 || out.NextToken != nil {
		t.Fatalf("default page: %d %v", len(out.Stages), out.NextToken)
	}
}

func TestSessions(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	arn, live := v.stageNamed("us-east-1", "main-stage-keynote")
	out := must(c.ListStageSessions(ctx(), &ivsrealtime.ListStageSessionsInput{StageArn: &arn, MaxResults: aws.Int32(2)}))
	if len(out.StageSessions) != 2 || *out.StageSessions[0].SessionId != live || out.StageSessions[0].EndTime != nil {
		t.Fatalf("newest first, live first: %+v", out.StageSessions)
	}
	if out.StageSessions[1].EndTime == nil || !out.StageSessions[1].StartTime.Before(*out.StageSessions[0].StartTime) {
		t.Fatalf("second is an ended, older session: %+v", out.StageSessions[1])
	}
	next := must(c.ListStageSessions(ctx(), &ivsrealtime.ListStageSessionsInput{StageArn: &arn, MaxResults: aws.Int32(2), NextToken: out.NextToken}))
	if len(next.StageSessions) != 2 || next.NextToken != nil {
		t.Fatalf("second page: %+v %v", next.StageSessions, next.NextToken)
	}
	gs := must(c.GetStageSession(ctx(), &ivsrealtime.GetStageSessionInput{StageArn: &arn, SessionId: &live}))
	if *gs.StageSession.SessionId != live || gs.StageSession.StartTime == nil || gs.StageSession.EndTime != nil {
		t.Fatalf("GetStageSession %+v", gs.StageSession)
	}
	_, err := c.GetStageSession(ctx(), &ivsrealtime.GetStageSessionInput{StageArn: &arn, SessionId: aws.String("st-0000000000000")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("unknown session: %v", err)
	}
	// ListStageSessions lists no ResourceNotFoundException: an unknown stage is a ValidationException.
	_, err = c.ListStageSessions(ctx(), &ivsrealtime.ListStageSessionsInput{StageArn: aws.String("arn:aws:ivs:us-east-1:123456789012:stage/nope")})
	var ve *types.ValidationException
	if !errors.As(err, &ve) {
		t.Fatalf("unknown stage: %v", err)
	}
	// Sessions in the demo world have no overlap and are ordered.
	qa, _ := v.stageNamed("us-east-1", "qa-sandbox")
	if out := must(c.ListStageSessions(ctx(), &ivsrealtime.ListStageSessionsInput{StageArn: &qa})); len(out.StageSessions) != 0 {
		t.Fatalf("qa-sandbox has no sessions yet: %+v", out.StageSessions)
	}
}

func TestRegionIsolation(t *testing.T) {
	v := newEnv(t, SeedDemo)
	us, eu, fra := v.client("us-east-1"), v.client("eu-west-1"), v.client("eu-central-1")
	st := must(fra.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Name: aws.String("frankfurt")}))
	if l := must(fra.ListStages(ctx(), &ivsrealtime.ListStagesInput{})); len(l.Stages) != 1 {
		t.Fatalf("eu-central-1 world: %d stages", len(l.Stages))
	}
	_, err := us.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: st.Stage.Arn})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("us-east-1 sees eu-central-1's stage: %v", err)
	}
	names := func(c *ivsrealtime.Client) map[string]bool {
		m := map[string]bool{}
		for _, s := range must(c.ListStages(ctx(), &ivsrealtime.ListStagesInput{})).Stages {
			m[*s.Name] = true
		}
		return m
	}
	u, e := names(us), names(eu)
	if !u["main-stage-keynote"] || u["eu-news-desk"] || !e["eu-news-desk"] || e["main-stage-keynote"] || u["frankfurt"] {
		t.Fatalf("worlds mixed: us %v eu %v", u, e)
	}
	// An ARN naming another account is unknown too.
	_, err = us.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: aws.String("arn:aws:ivs:us-east-1:999999999999:stage/abcdABCDefgh")})
	if !errors.As(err, &nf) {
		t.Fatalf("foreign account: %v", err)
	}
}
