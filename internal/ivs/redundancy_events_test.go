package ivs

import (
	"testing"
	"time"
)

func TestEncoderApplyEventsNamesTheErrorBehindADrop(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	drop := t0.Add(time.Hour)
	e := Encoder{Label: "A", Seen: true}
	e.ApplyEvents([]ParticipantEvent{
		{Name: "JOINED", Time: t0},
		{Name: "PUBLISH_STARTED", Time: t0},
		{Name: "PUBLISH_ERROR", ErrorCode: "BITRATE_EXCEEDED", Time: drop},
		{Name: "PUBLISH_STOPPED", Time: drop},
		{Name: "LEFT", Time: drop},
	})
	if e.Publishing || e.Cause != "PUBLISH_ERROR: BITRATE_EXCEEDED" || !e.CauseError || !e.LastChange.Equal(drop) {
		t.Errorf("dropped encoder: %+v", e)
	}
}

func TestEncoderApplyEventsReuseOfStreamKeyKeepsTheStreamingEncoder(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	e := Encoder{Label: "B", Seen: true, Connected: true, Publishing: true}
	e.ApplyEvents([]ParticipantEvent{
		{Name: "JOINED", Time: t0},
		{Name: "PUBLISH_STARTED", Time: t0},
		{Name: "PUBLISH_ERROR", ErrorCode: "REUSE_OF_STREAM_KEY", Time: t0.Add(time.Hour)},
	})
	// The refused second connection is not this encoder's state: it still
	// publishes, and an old error is no cause of a healthy encoder.
	if !e.Publishing || e.Cause != "PUBLISH_STARTED" || e.CauseError || !e.LastChange.Equal(t0) {
		t.Errorf("encoder whose key was reused elsewhere: %+v", e)
	}
}

func TestEncoderPublishingAgainDropsTheOldCause(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)
	e := Encoder{Label: "A", Seen: true, Connected: true, Publishing: true}
	e.ApplyEvents([]ParticipantEvent{
		{Name: "JOINED", Time: t0},
		{Name: "PUBLISH_ERROR", ErrorCode: "BITRATE_EXCEEDED", Time: t0.Add(time.Minute)},
		{Name: "PUBLISH_STOPPED", Time: t0.Add(time.Minute)},
		{Name: "PUBLISH_STARTED", Time: t0.Add(2 * time.Minute)},
	})
	if !e.Publishing || e.CauseError || e.Cause != "PUBLISH_STARTED" || !e.LastChange.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("an encoder publishing again still carries its old error: %+v", e)
	}
}
