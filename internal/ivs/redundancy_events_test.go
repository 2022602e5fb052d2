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
	if !e.Publishing || e.Cause != "PUBLISH_ERROR: REUSE_OF_STREAM_KEY" || !e.CauseError {
		t.Errorf("encoder whose key was reused elsewhere: %+v", e)
	}
}
