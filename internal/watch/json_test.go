package watch

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// The model travels between replicas as JSON: every fact the board shows
// survives the trip, and no stream key is in it.
func TestRegionJSONRoundTripKeepsFactsNotKeys(t *testing.T) {
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	cfg := ivs.IngestConfiguration{ARN: "arn:aws:ivs:us-east-1:123456789012:ingest-configuration/AbCdEfGhIjKl", Name: "main feed",
		RedundantIngest: true, StreamKey: ivs.NewStreamKey("rt_123456789012_us-east-1_AbCdEfGhIjKl_secretsecret"),
		Credentials: []ivs.RedundantCredential{{ParticipantID: "enc-a", StreamKey: ivs.NewStreamKey("rt_123456789012_us-east-1_AbCdEfGhIjKl_secretA")}}}
	rg := &Region{Region: "us-east-1", SweptAt: at, Cadence: 2 * time.Second, ErrSince: at,
		Err: errors.New("throttled with key rt_123456789012_us-east-1_AbCdEfGhIjKl_secretsecret"),
		Stages: []*Stage{{Region: "us-east-1", Stage: ivs.Stage{ARN: "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEfGhIjKl", Name: "main", ActiveSessionID: "st-1"},
			Session: &Session{ID: "st-1", Start: at, Publishers: 2, PublishersAt: at, Connected: 40, ConnectedAt: at},
			Pairs: []Pair{{Redundancy: ivs.Redundancy{Config: cfg, SessionID: "st-1", Protection: ivs.Degraded,
				Encoders: []ivs.Encoder{{Label: "A", ParticipantID: "enc-a", Publishing: true, Seen: true, Connected: true, LastChange: at, Cause: "PUBLISH_STARTED"},
					{Label: "B", Seen: true, LastChange: at, Cause: "PUBLISH_ERROR: BITRATE_EXCEEDED", CauseError: true}}}, Since: at}},
			Configs: 1, Health: HealthDegraded, Since: at}}}

	b, err := json.Marshal(rg)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); strings.Contains(s, "secret") {
		t.Fatalf("a stream key is in the shared model: %s", s)
	}
	var back Region
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.fingerprint() != rg.fingerprint() {
		t.Errorf("facts changed on the way:\n%s", b)
	}
	if back.Err == nil || !strings.Contains(back.Err.Error(), "throttled") || !back.SweptAt.Equal(at) || back.Cadence != 2*time.Second {
		t.Errorf("region fields: err %v, swept %v, cadence %v", back.Err, back.SweptAt, back.Cadence)
	}
	p := back.Stages[0].Pairs[0]
	if !p.Config.StreamKey.IsZero() || !p.Config.Credentials[0].StreamKey.IsZero() || p.Config.Credentials[0].ParticipantID != "enc-a" {
		t.Errorf("credentials: %+v", p.Config.Credentials)
	}
	if back.Stages[0].Health != HealthDegraded || p.Encoders[1].Cause != "PUBLISH_ERROR: BITRATE_EXCEEDED" {
		t.Errorf("stage %+v", back.Stages[0])
	}
}

// A late write of a former leader does not take the model back in time.
func TestModelRefusesAnOlderRegion(t *testing.T) {
	m := NewModel([]ivs.Region{"us-east-1"})
	at := time.Now()
	if !m.Put(&Region{Region: "us-east-1", SweptAt: at}) {
		t.Fatal("first put refused")
	}
	if m.Put(&Region{Region: "us-east-1", SweptAt: at.Add(-time.Second)}) {
		t.Error("an older region replaced a newer one")
	}
	if m.Put(&Region{Region: "eu-west-1", SweptAt: at}) {
		t.Error("a region the model does not hold was taken")
	}
	if got := m.Snapshot().Region("us-east-1").SweptAt; !got.Equal(at) {
		t.Errorf("swept at %v, want %v", got, at)
	}
}
