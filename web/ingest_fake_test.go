package web

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

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

type deleteCall struct {
	ARN   string
	Force bool
}

// ingestWorld is a small IVS behind an ivstest.Fake: it keeps
// configurations, applies the API's ACTIVE rules and records every write.
type ingestWorld struct {
	fake *ivstest.Fake

	mu      sync.Mutex
	configs map[string]ivs.IngestConfiguration // by ARN, without keys
	order   []string
	byToken map[string]string
	creates []ivs.CreateIngestInput
	updates []ivs.UpdateIngestInput
	deletes []deleteCall
	seq     int
}

func newIngestWorld() *ingestWorld {
	w := &ingestWorld{configs: map[string]ivs.IngestConfiguration{}, byToken: map[string]string{}}
	w.put(ivs.IngestConfiguration{ID: redundantID, Name: "keynote-main", Protocol: "RTMPS", StageARN: stageARNOf(liveStageID),
		ParticipantID: "pVirtual0001", State: "INACTIVE", UserID: "keynote-program", RedundantIngest: true,
		Credentials: []ivs.RedundantCredential{{ParticipantID: "pEncoderA001"}, {ParticipantID: "pEncoderB001"}},
		Attributes:  map[string]string{"role": "program"}, Tags: map[string]string{"team": "events", "greenroom:idempotency-key": "old-token-123456"}})
	w.put(ivs.IngestConfiguration{ID: legacyID, Name: "legacy", Protocol: "RTMP", ParticipantID: "pLegacy00001", State: "INACTIVE", UserID: "jane.doe@example.com"})
	w.put(ivs.IngestConfiguration{ID: activeID, Name: "live-feed", Protocol: "RTMPS", StageARN: stageARNOf(liveStageID), ParticipantID: "pLive0000001", State: "ACTIVE"})

	stages := map[string]ivs.Stage{}
	for _, st := range []ivs.Stage{stage(liveStageID, "main-stage", "st-ABCDEFGHIJKLM"), stage(idleStageID, "studio-b", "")} {
		st.Endpoints = ivs.StageEndpoints{RTMP: "rtmp://" + st.ID + ".example/app/", RTMPS: "rtmps://" + st.ID + ".example:443/app/"}
		stages[st.ARN] = st
	}
	t0 := time.Date(2026, 4, 8, 10, 0, 0, 0, time.UTC)
	w.fake = &ivstest.Fake{
		ListStagesFn: func(context.Context, ivs.Region, ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
			return ivs.Page[ivs.Stage]{Items: []ivs.Stage{stages[stageARNOf(liveStageID)], stages[stageARNOf(idleStageID)]}}, nil
		},
		GetStageFn: func(_ context.Context, _ ivs.Region, arn string) (ivs.Stage, error) {
			if st, ok := stages[arn]; ok {
				return st, nil
			}
			return ivs.Stage{}, ivstest.Err(ivs.KindNotFound, "GetStage", "no such stage")
		},
		ListParticipantsFn: func(_ context.Context, _ ivs.Region, q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
			// Encoder A publishes; B never joined: degraded.
			return ivs.Page[ivs.Participant]{Items: []ivs.Participant{{ID: "pEncoderA001", State: ivs.ParticipantConnected, Published: true, FirstJoinTime: t0}}}, nil
		},
		ListParticipantEventsFn: func(context.Context, ivs.Region, string, string, string, ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
			return ivs.Page[ivs.ParticipantEvent]{Items: []ivs.ParticipantEvent{{Name: "PUBLISH_STARTED", Time: t0.Add(time.Minute)}}}, nil
		},
		ListIngestConfigurationsFn: w.list,
		GetIngestConfigurationFn: func(_ context.Context, _ ivs.Region, arn string) (ivs.IngestConfiguration, error) {
			return w.get(arn, false)
		},
		RevealStreamKeysFn: func(_ context.Context, _ ivs.Region, arn string) (ivs.IngestConfiguration, error) {
			return w.get(arn, true)
		},
		CreateIngestFn: w.create,
		UpdateIngestFn: w.update,
		DeleteIngestFn: w.delete,
	}
	return w
}

func (w *ingestWorld) put(c ivs.IngestConfiguration) {
	c.ARN = ingestARNOf(c.ID)
	w.configs[c.ARN] = c
	w.order = append(w.order, c.ARN)
}

func (w *ingestWorld) get(arn string, keys bool) (ivs.IngestConfiguration, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.configs[arn]
	if !ok {
		return ivs.IngestConfiguration{}, ivstest.Err(ivs.KindNotFound, "GetIngestConfiguration", "Ingest configuration not found")
	}
	c.Credentials = append([]ivs.RedundantCredential(nil), c.Credentials...)
	if keys {
		c.StreamKey = ivs.NewStreamKey(testKey)
		for i := range c.Credentials {
			c.Credentials[i].StreamKey = ivs.NewStreamKey([]string{testKeyA, testKeyB}[i%2])
		}
	}
	return c, nil
}

func (w *ingestWorld) list(_ context.Context, _ ivs.Region, q ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out ivs.Page[ivs.IngestConfiguration]
	for _, arn := range w.order {
		c, ok := w.configs[arn]
		if !ok || (q.StageARN != "" && c.StageARN != q.StageARN) || (q.State != "" && c.State != q.State) {
			continue
		}
		c.Summary, c.Attributes, c.Tags, c.Credentials = true, nil, nil, nil
		out.Items = append(out.Items, c)
	}
	return out, nil
}

func (w *ingestWorld) create(_ context.Context, _ ivs.Region, in ivs.CreateIngestInput) (ivs.IngestConfiguration, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.creates = append(w.creates, in)
	// The service layer's promise: one configuration per idempotency key.
	if arn, ok := w.byToken[in.IdempotencyKey]; ok && in.IdempotencyKey != "" {
		return w.configs[arn], nil
	}
	if in.Protocol == "RTMP" && !in.InsecureIngest {
		return ivs.IngestConfiguration{}, &ivs.Error{Kind: ivs.KindValidation, Op: "CreateIngestConfiguration", Field: "insecureIngest", Message: "insecureIngest must be set to true when ingestProtocol is RTMP"}
	}
	w.seq++
	c := ivs.IngestConfiguration{ID: fmt.Sprintf("New%09d", w.seq), Name: in.Name, Protocol: in.Protocol, StageARN: in.StageARN,
		ParticipantID: fmt.Sprintf("pNew%08d", w.seq), State: "INACTIVE", UserID: in.UserID, RedundantIngest: in.RedundantIngest,
		Attributes: maps.Clone(in.Attributes), Tags: maps.Clone(in.Tags)}
	if in.RedundantIngest {
		c.Credentials = []ivs.RedundantCredential{{ParticipantID: c.ParticipantID + "A"}, {ParticipantID: c.ParticipantID + "B"}}
	}
	c.ARN = ingestARNOf(c.ID)
	w.put(c)
	if in.IdempotencyKey != "" {
		w.byToken[in.IdempotencyKey] = c.ARN
	}
	return w.configs[c.ARN], nil
}

func (w *ingestWorld) update(_ context.Context, _ ivs.Region, in ivs.UpdateIngestInput) (ivs.IngestConfiguration, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.updates = append(w.updates, in)
	c, ok := w.configs[in.ARN]
	if !ok {
		return c, ivstest.Err(ivs.KindNotFound, "UpdateIngestConfiguration", "not found")
	}
	if c.State == "ACTIVE" {
		return c, ivstest.Err(ivs.KindConflict, "UpdateIngestConfiguration", "Ingest configuration is ACTIVE and cannot be updated")
	}
	if in.StageARN != "" {
		c.StageARN = in.StageARN
	}
	c.RedundantIngest = in.RedundantIngest
	w.configs[in.ARN] = c
	return c, nil
}

func (w *ingestWorld) delete(_ context.Context, _ ivs.Region, arn string, force bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.deletes = append(w.deletes, deleteCall{arn, force})
	c, ok := w.configs[arn]
	if !ok {
		return ivstest.Err(ivs.KindNotFound, "DeleteIngestConfiguration", "not found")
	}
	if c.State == "ACTIVE" && !force {
		return ivstest.Err(ivs.KindConflict, "DeleteIngestConfiguration", "Ingest configuration is ACTIVE; use force")
	}
	delete(w.configs, arn)
	return nil
}

func (w *ingestWorld) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.configs)
}

func (w *ingestWorld) writes() int {
	return w.fake.Calls("CreateIngestConfiguration") + w.fake.Calls("UpdateIngestConfiguration") + w.fake.Calls("DeleteIngestConfiguration")
}

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
