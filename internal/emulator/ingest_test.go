package emulator

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
)

var keyRE = regexp.MustCompile(`^rt_123456789012_us-east-1_[a-zA-Z0-9]{12}_[a-zA-Z0-9]{32}$`)

func TestIngestLifecycle(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.client("us-east-1")
	st := must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Name: aws.String("studio")})).Stage
	other := must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Name: aws.String("other")})).Stage

	cfg := must(c.CreateIngestConfiguration(ctx(), &ivsrealtime.CreateIngestConfigurationInput{
		Name: aws.String("cam-1"), StageArn: st.Arn, IngestProtocol: types.IngestProtocolRtmps,
		UserId: aws.String("cam"), Attributes: map[string]string{"pos": "left"}, Tags: map[string]string{"t": "1"},
	})).IngestConfiguration
	if !keyRE.MatchString(*cfg.StreamKey) || !strings.Contains(*cfg.StreamKey, strings.TrimPrefix(*cfg.Arn, "arn:aws:ivs:us-east-1:123456789012:ingest-configuration/")) {
		t.Errorf("stream key %s for %s", *cfg.StreamKey, *cfg.Arn)
	}
	if cfg.State != types.IngestConfigurationStateInactive || cfg.RedundantIngest || cfg.RedundantIngestCredentials != nil ||
		len(*cfg.ParticipantId) != 12 || cfg.Attributes["pos"] != "left" || cfg.Tags["t"] != "1" {
		t.Errorf("created %+v", cfg)
	}
	again := must(c.CreateIngestConfiguration(ctx(), &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmps}))
	if *again.IngestConfiguration.StreamKey == *cfg.StreamKey || *again.IngestConfiguration.StageArn != "" {
		t.Errorf("second configuration %+v", again.IngestConfiguration)
	}

	// Publishing makes it ACTIVE: no update, no delete without force.
	v.publish("us-east-1", *cfg.StreamKey)
	got := must(c.GetIngestConfiguration(ctx(), &ivsrealtime.GetIngestConfigurationInput{Arn: cfg.Arn})).IngestConfiguration
	if got.State != types.IngestConfigurationStateActive {
		t.Fatalf("state after publish: %s", got.State)
	}
	_, err := c.UpdateIngestConfiguration(ctx(), &ivsrealtime.UpdateIngestConfigurationInput{Arn: cfg.Arn, StageArn: other.Arn})
	var ce *types.ConflictException
	if !errors.As(err, &ce) || ce.ExceptionMessage == nil || !strings.Contains(*ce.ExceptionMessage, "ACTIVE") {
		t.Fatalf("update of ACTIVE: %v", err)
	}
	_, err = c.DeleteIngestConfiguration(ctx(), &ivsrealtime.DeleteIngestConfigurationInput{Arn: cfg.Arn})
	if !errors.As(err, &ce) {
		t.Fatalf("delete of ACTIVE: %v", err)
	}
	stage := must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: st.Arn})).Stage
	if stage.ActiveSessionId == nil {
		t.Fatal("first publish opens a session")
	}
	parts := must(c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: st.Arn, SessionId: stage.ActiveSessionId})).Participants
	if len(parts) != 1 || *parts[0].ParticipantId != *cfg.ParticipantId || *parts[0].IngestConfigurationArn != *cfg.Arn ||
		!parts[0].Published || parts[0].State != types.ParticipantStateConnected || *parts[0].UserId != "cam" {
		t.Fatalf("encoder participant %+v", parts)
	}
	p := must(c.GetParticipant(ctx(), &ivsrealtime.GetParticipantInput{StageArn: st.Arn, SessionId: stage.ActiveSessionId, ParticipantId: cfg.ParticipantId})).Participant
	if p.Protocol != types.ParticipantProtocolRtmps || p.Attributes["pos"] != "left" {
		t.Fatalf("GetParticipant %+v", p)
	}

	// Force delete disconnects the publisher.
	must(c.DeleteIngestConfiguration(ctx(), &ivsrealtime.DeleteIngestConfigurationInput{Arn: cfg.Arn, Force: true}))
	parts = must(c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: st.Arn, SessionId: stage.ActiveSessionId})).Participants
	if parts[0].State != types.ParticipantStateDisconnected {
		t.Fatalf("force delete left the encoder %s", parts[0].State)
	}
	_, err = c.GetIngestConfiguration(ctx(), &ivsrealtime.GetIngestConfigurationInput{Arn: cfg.Arn})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("get after delete: %v", err)
	}
	code, _ := v.admin("POST", "publish", `{"streamKey":"`+*cfg.StreamKey+`"}`)
	if code == 200 {
		t.Fatal("a deleted configuration's key still publishes")
	}

	// The session ends a few minutes after the last publisher left.
	v.clock.Advance(sessionEndGrace)
	stage = must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: st.Arn})).Stage
	if stage.ActiveSessionId != nil {
		t.Fatalf("session still live %s", *stage.ActiveSessionId)
	}
}

func TestRedundantIngest(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.client("us-east-1")
	st := must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Name: aws.String("studio")})).Stage
	cfg := must(c.CreateIngestConfiguration(ctx(), &ivsrealtime.CreateIngestConfigurationInput{
		Name: aws.String("pair"), StageArn: st.Arn, IngestProtocol: types.IngestProtocolRtmp, InsecureIngest: true, RedundantIngest: true,
	})).IngestConfiguration
	creds := cfg.RedundantIngestCredentials
	if !cfg.RedundantIngest || len(creds) != 2 {
		t.Fatalf("credentials %+v", cfg)
	}
	seen := map[string]bool{*cfg.ParticipantId: true, *cfg.StreamKey: true}
	for _, cr := range creds {
		if !keyRE.MatchString(*cr.StreamKey) || len(*cr.ParticipantId) != 12 || seen[*cr.ParticipantId] || seen[*cr.StreamKey] {
			t.Fatalf("credential %+v not distinct or malformed", cr)
		}
		seen[*cr.ParticipantId], seen[*cr.StreamKey] = true, true
	}

	// Summaries carry the flag but never a key.
	resp, body := v.raw("ListIngestConfigurations", `{}`)
	if resp.StatusCode != 200 || strings.Contains(body, "streamKey") || strings.Contains(body, "rt_") || !strings.Contains(body, `"redundantIngest":true`) {
		t.Fatalf("summary leaks or lacks: %s", body)
	}

	// The top-level key does not publish in redundant mode; the encoder keys do.
	if code, _ := v.admin("POST", "publish", `{"streamKey":"`+*cfg.StreamKey+`"}`); code == 200 {
		t.Fatal("top-level key published in redundant mode")
	}
	v.publish("us-east-1", *creds[0].StreamKey)
	v.publish("us-east-1", *creds[1].StreamKey)
	sid := must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: st.Arn})).Stage.ActiveSessionId
	list := func() map[string]types.ParticipantSummary {
		m := map[string]types.ParticipantSummary{}
		for _, p := range must(c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: st.Arn, SessionId: sid})).Participants {
			m[*p.ParticipantId] = p
		}
		return m
	}
	ps := list()
	if len(ps) != 2 {
		t.Fatalf("want the two physical participants only, got %v", ps)
	}
	if _, ok := ps[*cfg.ParticipantId]; ok {
		t.Fatal("the virtual participant is listed")
	}
	for _, cr := range creds {
		p := ps[*cr.ParticipantId]
		if !p.RedundantIngest || *p.IngestConfigurationArn != *cfg.Arn || p.State != types.ParticipantStateConnected {
			t.Fatalf("encoder participant %+v", p)
		}
	}
	// A second encoder on a key in use is refused and recorded.
	if code, body := v.admin("POST", "publish", `{"streamKey":"`+*creds[0].StreamKey+`"}`); code == 200 || !strings.Contains(body, "REUSE_OF_STREAM_KEY") {
		t.Fatalf("reuse: %d %s", code, body)
	}
	// One encoder drops: still ACTIVE (degraded).
	if code, body := v.admin("POST", "unpublish", `{"streamKey":"`+*creds[0].StreamKey+`","errorCode":"BITRATE_EXCEEDED"}`); code != 200 {
		t.Fatalf("unpublish %d %s", code, body)
	}
	if s := must(c.GetIngestConfiguration(ctx(), &ivsrealtime.GetIngestConfigurationInput{Arn: cfg.Arn})).IngestConfiguration.State; s != types.IngestConfigurationStateActive {
		t.Fatalf("degraded pair is %s", s)
	}
	evs := must(c.ListParticipantEvents(ctx(), &ivsrealtime.ListParticipantEventsInput{StageArn: st.Arn, SessionId: sid, ParticipantId: creds[0].ParticipantId})).Events
	var names []string
	for _, e := range evs {
		n := string(e.Name)
		if e.ErrorCode != "" {
			n += ":" + string(e.ErrorCode)
		}
		names = append(names, n)
	}
	if got := strings.Join(names, ","); got != "JOINED,PUBLISH_STARTED,PUBLISH_ERROR:REUSE_OF_STREAM_KEY,PUBLISH_ERROR:BITRATE_EXCEEDED,PUBLISH_STOPPED,LEFT" {
		t.Fatalf("events %s", got)
	}
	// Both down: INACTIVE; then disable redundancy: credentials removed, old keys dead.
	v.admin("POST", "unpublish", `{"streamKey":"`+*creds[1].StreamKey+`"}`)
	up := must(c.UpdateIngestConfiguration(ctx(), &ivsrealtime.UpdateIngestConfigurationInput{Arn: cfg.Arn})).IngestConfiguration
	if up.RedundantIngest || up.RedundantIngestCredentials != nil || *up.StageArn != *st.Arn || *up.StreamKey != *cfg.StreamKey {
		t.Fatalf("absent redundantIngest must mean false and keep the stage: %+v", up)
	}
	if code, _ := v.admin("POST", "publish", `{"streamKey":"`+*creds[1].StreamKey+`"}`); code == 200 {
		t.Fatal("a revoked encoder key still publishes")
	}
	// Enable again: fresh credentials.
	up = must(c.UpdateIngestConfiguration(ctx(), &ivsrealtime.UpdateIngestConfigurationInput{Arn: cfg.Arn, RedundantIngest: true})).IngestConfiguration
	if len(up.RedundantIngestCredentials) != 2 || *up.RedundantIngestCredentials[0].StreamKey == *creds[0].StreamKey {
		t.Fatalf("re-enabled %+v", up.RedundantIngestCredentials)
	}
	// Detach from the stage with "".
	up = must(c.UpdateIngestConfiguration(ctx(), &ivsrealtime.UpdateIngestConfigurationInput{Arn: cfg.Arn, StageArn: aws.String(""), RedundantIngest: true})).IngestConfiguration
	if *up.StageArn != "" || !up.RedundantIngest {
		t.Fatalf("detach %+v", up)
	}
}

func TestListIngestConfigurationsFilters(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	all := must(c.ListIngestConfigurations(ctx(), &ivsrealtime.ListIngestConfigurationsInput{})).IngestConfigurations
	if len(all) < 10 {
		t.Fatalf("demo has %d configurations in us-east-1", len(all))
	}
	active := must(c.ListIngestConfigurations(ctx(), &ivsrealtime.ListIngestConfigurationsInput{FilterByState: types.IngestConfigurationStateActive})).IngestConfigurations
	names := map[string]bool{}
	for _, a := range active {
		if a.State != types.IngestConfigurationStateActive {
			t.Fatalf("filter leaked %+v", a)
		}
		names[*a.Name] = true
	}
	if !names["studio-b-redundant"] || !names["sports-feed-1-redundant"] || names["sports-feed-2-redundant"] {
		t.Fatalf("protected and degraded are ACTIVE, down is not: %v", names)
	}
	arn, _ := v.stageNamed("us-east-1", "sports-feed-1")
	byStage := must(c.ListIngestConfigurations(ctx(), &ivsrealtime.ListIngestConfigurationsInput{FilterByStageArn: &arn})).IngestConfigurations
	if len(byStage) != 2 {
		t.Fatalf("sports-feed-1 has %d configurations", len(byStage))
	}
	_, err := c.ListIngestConfigurations(ctx(), &ivsrealtime.ListIngestConfigurationsInput{FilterByStageArn: &arn, FilterByState: types.IngestConfigurationStateActive})
	var ve *types.ValidationException
	if !errors.As(err, &ve) || !strings.Contains(*ve.ExceptionMessage, "one filter") {
		t.Fatalf("two filters: %v", err)
	}
	// Paging with a filter.
	var paged []string
	p := ivsrealtime.NewListIngestConfigurationsPaginator(c, &ivsrealtime.ListIngestConfigurationsInput{FilterByState: types.IngestConfigurationStateInactive, MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		for _, s := range must(p.NextPage(ctx())).IngestConfigurations {
			paged = append(paged, *s.Name)
		}
	}
	if len(paged) != len(all)-len(active) {
		t.Fatalf("paged %d inactive, want %d", len(paged), len(all)-len(active))
	}
	// The personal-data case: a userId that looks like an email.
	found := false
	for _, s := range all {
		if s.UserId != nil && strings.Contains(*s.UserId, "@") {
			found = true
		}
		if s.StageArn == nil {
			t.Fatalf("stageArn must be present (empty when unattached): %+v", s)
		}
	}
	if !found {
		t.Fatal("no email-like userId in the demo")
	}
}

func TestDeleteStageDetachesActiveIngest(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	arn, _ := v.stageNamed("us-east-1", "studio-b")
	must(c.DeleteStage(ctx(), &ivsrealtime.DeleteStageInput{Arn: &arn}))
	for _, name := range []string{"studio-b-redundant", "studio-b-graphics"} {
		cfg := v.ingestNamed("us-east-1", name)
		got := must(c.GetIngestConfiguration(ctx(), &ivsrealtime.GetIngestConfigurationInput{Arn: &cfg.arn})).IngestConfiguration
		if *got.StageArn != "" || got.State != types.IngestConfigurationStateInactive {
			t.Fatalf("%s after DeleteStage: %+v", name, got)
		}
	}
}
