package views

import (
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// ddText is the text of the definition that follows the term dt.
func ddText(d *goquery.Document, dt string) string {
	return d.Find("dt").FilterFunction(func(_ int, s *goquery.Selection) bool { return s.Text() == dt }).Next().Text()
}

// words is text as a browser shows it: whitespace collapsed.
func words(s string) string { return strings.Join(strings.Fields(s), " ") }

// templ trims the whitespace between lines, so words on either side of a
// component or an if block run together unless a space is written out.
func TestParticipantPageKeepsWordsApart(t *testing.T) {
	p := Page{Region: "us-east-1", Now: now}
	pt := ivs.Participant{ID: "pt0000000001", State: ivs.ParticipantConnected, RecordingState: "ACTIVE",
		RecordingS3BucketName: "rec-bucket", RecordingS3Prefix: "stage/abc", BrowserName: "Chrome", BrowserVersion: "126",
		OSName: "macOS", OSVersion: "14.5", Protocol: ivs.ProtocolRTMP}
	events := make([]ivs.ParticipantEvent, 8)
	for i := range events {
		events[i] = ivs.ParticipantEvent{Name: "JOINED", Time: now.Add(-time.Duration(8-i) * time.Minute)}
	}
	events[3] = ivs.ParticipantEvent{Name: "PUBLISH_ERROR", ErrorCode: "B_FRAME_PRESENT", Time: events[3].Time}
	events[5] = ivs.ParticipantEvent{Name: "PUBLISH_ERROR", ErrorCode: "BITRATE_EXCEEDED", Time: events[5].Time}
	v := ParticipantView{StageID: "stage0000001", SessionID: "st-ABCDEFGHIJKLM", Participant: pt, Events: events, Now: now}

	d := renderDoc(t, ParticipantShow(p, v))
	for dt, want := range map[string]string{
		"Recording": "ACTIVE to s3://rec-bucket/stage/abc Copy",
		"Client":    "Chrome 126 on macOS 14.5",
		"Protocol":  "RTMP insecure ingest",
	} {
		if got := words(ddText(d, dt)); got != want {
			t.Errorf("%s: %q, want %q", dt, got, want)
		}
	}
	if got := words(d.Find("#events p").First().Text()); got != "8 events, 2 errors (highlighted)" {
		t.Errorf("event count: %q", got)
	}

	// A FAILED recording, and a client IVS knows nothing of.
	v.Participant.RecordingState = "FAILED"
	v.Participant.BrowserName, v.Participant.BrowserVersion, v.Participant.OSName, v.Participant.OSVersion = "", "", "", ""
	v.Events = events[:1]
	d = renderDoc(t, ParticipantShow(p, v))
	if got := words(ddText(d, "Recording")); !strings.HasPrefix(got, "FAILED to s3://") {
		t.Errorf("failed recording: %q", got)
	}
	if got := strings.TrimSpace(ddText(d, "Client")); got != "—" {
		t.Errorf("unknown client: %q, want a dash", got)
	}
	if got := words(d.Find("#events p").First().Text()); got != "1 event" {
		t.Errorf("event count: %q", got)
	}
	// The browser alone, the system alone.
	v.Participant.BrowserName = "Safari"
	if got := words(ddText(renderDoc(t, ParticipantShow(p, v)), "Client")); got != "Safari" {
		t.Errorf("browser alone: %q", got)
	}
}
