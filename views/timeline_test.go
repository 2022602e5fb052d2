package views

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/greenroom-dev/greenroom/internal/history"
)

func TestLaneOfCutsTheWindowIntoStates(t *testing.T) {
	from := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	to := from.Add(time.Hour)
	ts := []history.Transition{ // newest first, as history answers
		{Time: from.Add(40 * time.Minute), From: "not publishing", To: "publishing"},
		{Time: from.Add(30 * time.Minute), From: "publishing", To: "not publishing", Cause: "PUBLISH_ERROR: BITRATE_EXCEEDED"},
		{Time: from.Add(-2 * time.Hour), From: "", To: "publishing"},
	}
	l := LaneOf("Encoder A", ts, from, to, time.Time{})
	var states []string
	for _, s := range l.Segments {
		states = append(states, s.State)
	}
	if strings.Join(states, ",") != "publishing,not publishing,publishing" || l.Flaps() != 2 {
		t.Fatalf("segments %v", l.Segments)
	}
	if s := l.Segments[1]; s.X != 500 || s.W != 166 || s.Class() != "tl-bad" {
		t.Errorf("the drop is drawn at %d for %d (%s)", s.X, s.W, s.Class())
	}
	if empty := LaneOf("B", nil, from, to, time.Time{}); len(empty.Segments) != 1 || empty.Segments[0].Class() != "tl-idle" {
		t.Errorf("no history: %+v", empty.Segments)
	}
}

func TestTimelineFigureHasATableBehindIt(t *testing.T) {
	from := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	drop := history.Transition{Time: from.Add(30 * time.Minute), Kind: history.KindEncoder, Encoder: "A", From: "publishing", To: "not publishing", Cause: "PUBLISH_ERROR: BITRATE_EXCEEDED"}
	tl := Timeline{Title: "Encoders of program", From: from, To: from.Add(time.Hour), Rows: []history.Transition{drop},
		Lanes: []Lane{LaneOf("Encoder A", []history.Transition{drop}, from, from.Add(time.Hour), time.Time{})}}
	var b strings.Builder
	if err := TimelineFigure("enc", tl).Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	d, _ := goquery.NewDocumentFromReader(strings.NewReader(b.String()))
	if d.Find("svg[role=img] rect").Length() != 2 || d.Find("svg[role=img]").AttrOr("aria-label", "") != "Encoder A: 1 change in the window" {
		t.Errorf("svg: %s", b.String())
	}
	row := d.Find("table tbody tr").Text()
	if !strings.Contains(row, "2026-11-30 10:30:00 UTC") || !strings.Contains(row, "Encoder A") || !strings.Contains(row, "BITRATE_EXCEEDED") {
		t.Errorf("table row %q", row)
	}
	if d.Find("[style]").Length() != 0 {
		t.Error("an inline style breaks the strict CSP")
	}
}

func TestLaneOfDoesNotGuessBeforeWatchingBegan(t *testing.T) {
	from := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	to := from.Add(time.Hour)
	drop := []history.Transition{{Time: from.Add(50 * time.Minute), From: "publishing", To: "not publishing"}}
	l := LaneOf("A", drop, from, to, from.Add(40*time.Minute))
	if len(l.Segments) != 3 || l.Segments[0].Class() != "tl-idle" || l.Segments[1].State != "publishing" || l.Segments[1].X != 666 {
		t.Errorf("segments %+v", l.Segments)
	}
}

// Exact times render in UTC as <time data-abs>, which the reader may switch
// to their own zone (app.js); the window's bounds read as a sentence.
func TestExactTimesCanBeShownInTheReadersZone(t *testing.T) {
	from := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	drop := history.Transition{Time: from.Add(30 * time.Minute), Kind: history.KindEncoder, Encoder: "A", From: "publishing", To: "not publishing"}
	d := renderDoc(t, TimelineFigure("enc", Timeline{Title: "t", From: from, To: from.Add(time.Hour), Rows: []history.Transition{drop}}))
	cell := d.Find("table tbody tr td").First().Find("time[data-abs]")
	if dt, _ := cell.Attr("datetime"); dt != "2026-11-30T10:30:00Z" || cell.Text() != "2026-11-30 10:30:00 UTC" {
		t.Errorf("table time %q %q", dt, cell.Text())
	}
	if got := words(d.Find("p.hint").Text()); !strings.HasPrefix(got, "2026-11-30 10:00:00 UTC to 2026-11-30 11:00:00 UTC. Green:") {
		t.Errorf("window %q", got)
	}
	if d.Find("p.hint time[data-abs]").Length() != 2 {
		t.Error("the window's bounds cannot be switched")
	}
	// The layout has the switch, hidden until app.js shows it.
	lay := renderDoc(t, StageList(Page{Region: "us-east-1", Now: now}, StageListView{}))
	if b := lay.Find("header button[data-tz]"); b.Length() != 1 || b.AttrOr("hidden", "no") == "no" {
		t.Error("no hidden Times switch in the header")
	}
	if renderDoc(t, Abs(time.Time{})).Find("time").Length() != 0 {
		t.Error("a zero time renders a <time>")
	}
}
