package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

// Short names for the test's closures.
type (
	contextT         = context.Context
	goquerySelection = goquery.Selection
)

// Recognisable secrets: they may appear only in a reveal response.
const (
	testKey  = "rt_123456789012_us-east-1_abc_SECRETSECRET"
	testKeyA = "rt_123456789012_us-east-1_abc_SECRETAAAA"
	testKeyB = "rt_123456789012_us-east-1_abc_SECRETBBBB"
)

const ingestBase = "/r/us-east-1/ingest-configurations"

const (
	liveStageID = "AbCdEf123456"
	idleStageID = "ZyXw98765432"
	redundantID = "Cfg000000001" // redundant, RTMPS, on the live stage, INACTIVE
	legacyID    = "Cfg000000002" // RTMP, no stage, personal user id, INACTIVE
	activeID    = "Cfg000000003" // ACTIVE, single encoder, on the live stage
)

func ingestARNOf(id string) string {
	return "arn:aws:ivs:us-east-1:123456789012:ingest-configuration/" + id
}

func stageARNOf(id string) string { return "arn:aws:ivs:us-east-1:123456789012:stage/" + id }

// ingestWorld is the ingest tests' IVS: the shared fake seeded with two
// stages and three configurations, and what was written to it.
type ingestWorld struct {
	fake *ivstest.Fake
}

func newIngestWorld() *ingestWorld {
	f := &ivstest.Fake{}
	t0 := time.Date(2026, 4, 8, 10, 0, 0, 0, time.UTC)
	for _, st := range []ivs.Stage{stage(liveStageID, "main-stage", "st-ABCDEFGHIJKLM"), stage(idleStageID, "studio-b", "")} {
		st.Endpoints = ivs.StageEndpoints{RTMP: "rtmp://" + st.ID + ".example/app/", RTMPS: "rtmps://" + st.ID + ".example:443/app/"}
		f.AddStage(st)
	}
	f.AddIngest(ivs.IngestConfiguration{ID: redundantID, Name: "keynote-main", Protocol: "RTMPS", StageARN: stageARNOf(liveStageID),
		ParticipantID: "pVirtual0001", State: "INACTIVE", UserID: "keynote-program", RedundantIngest: true, StreamKey: ivs.NewStreamKey(testKey),
		Credentials: []ivs.RedundantCredential{{ParticipantID: "pEncoderA001", StreamKey: ivs.NewStreamKey(testKeyA)}, {ParticipantID: "pEncoderB001", StreamKey: ivs.NewStreamKey(testKeyB)}},
		Attributes:  map[string]string{"role": "program"}, Tags: map[string]string{"team": "events", ivs.IdempotencyTag: "old-token-123456"}})
	f.AddIngest(ivs.IngestConfiguration{ID: legacyID, Name: "legacy", Protocol: "RTMP", ParticipantID: "pLegacy00001", State: "INACTIVE", UserID: "jane.doe@example.com", StreamKey: ivs.NewStreamKey(testKey)})
	f.AddIngest(ivs.IngestConfiguration{ID: activeID, Name: "live-feed", Protocol: "RTMPS", StageARN: stageARNOf(liveStageID), ParticipantID: "pLive0000001", State: "ACTIVE", StreamKey: ivs.NewStreamKey(testKey)})
	// Encoder A publishes; B never joined: degraded.
	f.AddSession(stageARNOf(liveStageID), ivs.StageSession{ID: "st-ABCDEFGHIJKLM", StartTime: t0})
	f.SetParticipants(stageARNOf(liveStageID), "st-ABCDEFGHIJKLM", []ivs.Participant{{ID: "pEncoderA001", State: ivs.ParticipantConnected, Published: true, FirstJoinTime: t0}})
	f.SetEvents(stageARNOf(liveStageID), "st-ABCDEFGHIJKLM", "pEncoderA001", []ivs.ParticipantEvent{{Name: "PUBLISH_STARTED", Time: t0.Add(time.Minute)}})
	return &ingestWorld{fake: f}
}

func (w *ingestWorld) creates() []ivs.CreateIngestInput {
	var out []ivs.CreateIngestInput
	for _, wr := range w.fake.Writes() {
		if wr.Op == "CreateIngestConfiguration" {
			out = append(out, wr.Create)
		}
	}
	return out
}

func (w *ingestWorld) updates() []ivs.UpdateIngestInput {
	var out []ivs.UpdateIngestInput
	for _, wr := range w.fake.Writes() {
		if wr.Op == "UpdateIngestConfiguration" {
			out = append(out, wr.Update)
		}
	}
	return out
}

func (w *ingestWorld) deletes() []ivstest.Write {
	var out []ivstest.Write
	for _, wr := range w.fake.Writes() {
		if wr.Op == "DeleteIngestConfiguration" {
			out = append(out, wr)
		}
	}
	return out
}

func (w *ingestWorld) count() int { return w.fake.IngestCount() }

func (w *ingestWorld) writes() int { return len(w.fake.Writes()) }

// createValues is a valid create form as the page would send it.
func createValues(t *testing.T, s *testServer) url.Values {
	t.Helper()
	r := s.get("/r/us-east-1/ingest-configurations/new")
	tok, ok := r.doc(t).Find(`input[name="idempotency_key"]`).Attr("value")
	if !ok || tok == "" {
		t.Fatalf("the create form carries no idempotency token (status %d)", r.Code)
	}
	return url.Values{
		"name": {"new-feed"}, "stage": {liveStageID}, "user_id": {"encoder-7"}, "protocol": {"RTMPS"}, "redundant": {"on"},
		"attr_key": {"role", ""}, "attr_value": {"program", ""}, "tag_key": {"team"}, "tag_value": {"news"},
		"idempotency_key": {tok},
	}
}

// hasKey reports whether a text holds any of the test's secrets.
func hasKey(s string) bool {
	return strings.Contains(s, "SECRETSECRET") || strings.Contains(s, "SECRETAAAA") || strings.Contains(s, "SECRETBBBB")
}

func opServer(t *testing.T, w *ingestWorld) *testServer {
	return newTestServer(t, w.fake, identityWith(auth.RoleViewer, auth.RoleOperator, auth.RoleKeyholder))
}

// htmxPost submits a form the way htmx does: CSRF in a header.
func (s *testServer) htmxPost(target string, form url.Values) response {
	s.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	return s.do(http.MethodPost, target, strings.NewReader(form.Encode()), map[string]string{
		"Content-Type": "application/x-www-form-urlencoded", "HX-Request": "true", csrfHeader: s.token(),
	})
}

func lastAudit(t *testing.T, s *testServer) audit.Event {
	t.Helper()
	a := s.audited()
	if len(a) == 0 {
		t.Fatal("nothing was audited")
	}
	return a[len(a)-1]
}
