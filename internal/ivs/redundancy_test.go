package ivs

import (
	"testing"
	"time"
)

func TestAssessRedundancy(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	cfg := IngestConfiguration{ARN: "arn", RedundantIngest: true, Credentials: []RedundantCredential{{ParticipantID: "pA"}, {ParticipantID: "pB"}}}
	live := func(id string) Participant {
		return Participant{ID: id, State: ParticipantConnected, Published: true, FirstJoinTime: t0}
	}
	gone := func(id string) Participant {
		return Participant{ID: id, State: ParticipantDisconnected, Published: true, FirstJoinTime: t0}
	}
	cases := []struct {
		name string
		ps   []Participant
		want Protection
	}{
		{"both publish", []Participant{live("pA"), live("pB"), live("other")}, Protected},
		{"one dropped", []Participant{live("pA"), gone("pB")}, Degraded},
		{"one never joined", []Participant{live("pB")}, Degraded},
		{"none", []Participant{gone("pA"), gone("pB")}, Down},
		{"neither joined yet", nil, Idle},
		{"others only", []Participant{live("other")}, Idle},
	}
	for _, tc := range cases {
		r := AssessRedundancy(cfg, "st-1", tc.ps)
		if r.Protection != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, r.Protection, tc.want)
		}
		if len(r.Encoders) != 2 || r.Encoders[0].Label != "A" || r.Encoders[1].Label != "B" {
			t.Errorf("%s: encoders %+v", tc.name, r.Encoders)
		}
	}
	// No live session: nothing is expected to publish.
	if r := AssessRedundancy(cfg, "", nil); r.Protection != Idle {
		t.Errorf("no session: %s, want idle", r.Protection)
	}
	if r := AssessRedundancy(IngestConfiguration{}, "", nil); r.Protection != NotRedundant {
		t.Errorf("single encoder: %s", r.Protection)
	}
	// A reconnect: the latest join of a participant id wins.
	old := gone("pA")
	again := live("pA")
	again.FirstJoinTime = t0.Add(time.Minute)
	if r := AssessRedundancy(cfg, "st-1", []Participant{again, old, live("pB")}); r.Protection != Protected {
		t.Errorf("reconnected encoder: %s", r.Protection)
	}
}

func TestEncoderApplyEvents(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	e := Encoder{Label: "B", Connected: true, Publishing: true}
	e.ApplyEvents([]ParticipantEvent{
		{Name: "JOINED", Time: t0},
		{Name: "PUBLISH_STARTED", Time: t0.Add(time.Second)},
		{Name: "SUBSCRIBE_STARTED", Time: t0.Add(3 * time.Minute)},
		{Name: "PUBLISH_ERROR", ErrorCode: "BITRATE_EXCEEDED", Time: t0.Add(2 * time.Minute)},
	})
	if e.Publishing || e.Cause != "PUBLISH_ERROR: BITRATE_EXCEEDED" || !e.CauseError || !e.LastChange.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("after error: %+v", e)
	}
}
