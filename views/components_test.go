package views

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/a-h/templ"
)

func renderDoc(t *testing.T, c templ.Component) *goquery.Document {
	t.Helper()
	var b bytes.Buffer
	if err := c.Render(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	d, err := goquery.NewDocumentFromReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func TestLayoutShowsWhoWhereAndTheEmulator(t *testing.T) {
	p := Page{Title: "Stages", Nav: "stages", Region: "eu-west-1", Regions: []string{"us-east-1", "eu-west-1"}, User: "ana@example.com",
		Role: "operator", Emulator: true, CSRF: "tok", SectionPath: "/ingest-configurations", Now: now}
	d := renderDoc(t, StageList(p, StageListView{}))
	if d.Find(".badge-emulator").Length() != 1 {
		t.Error("no EMULATOR badge")
	}
	if got := d.Find(`nav[aria-label="Main"] a[aria-current="page"]`).Text(); got != "Stages" {
		t.Errorf("current nav = %q", got)
	}
	if d.Find(`a[href="/audit"]`).Length() != 0 {
		t.Error("the audit link is shown to a non-admin")
	}
	if href, _ := d.Find(`details a:contains("us-east-1")`).Attr("href"); href != "/r/us-east-1/ingest-configurations" {
		t.Errorf("region switch keeps the section: %q", href)
	}
	if hx, _ := d.Find("body").Attr("hx-headers"); hx != `{"X-CSRF-Token":"tok"}` {
		t.Errorf("hx-headers = %q", hx)
	}
	if !strings.Contains(d.Find("header").Text(), "ana@example.com") || !strings.Contains(d.Find("header").Text(), "operator") {
		t.Error("header lacks the user or role")
	}
	if d.Find("script:not([src])").Length() != 0 {
		t.Error("inline script in the layout")
	}
	p.Emulator, p.IsAdmin, p.Stale, p.StaleSince = false, true, true, now.Add(-90*time.Second)
	d = renderDoc(t, StageList(p, StageListView{}))
	if d.Find(".badge-emulator").Length() != 0 || d.Find(`a[href="/audit"]`).Length() != 1 {
		t.Error("badge or admin link wrong for an admin on AWS")
	}
	if !strings.Contains(d.Find("#alerts").Text(), "2 min ago") {
		t.Errorf("stale banner: %q", d.Find("#alerts").Text())
	}
}

func TestWhenAndErrorBox(t *testing.T) {
	d := renderDoc(t, When(now, now.Add(-3*time.Minute)))
	tm := d.Find("time")
	if dt, _ := tm.Attr("datetime"); dt != "2026-11-25T11:57:00Z" || tm.Text() != "3 min ago" {
		t.Errorf("time: %q %q", dt, tm.Text())
	}
	if title, _ := tm.Attr("title"); title != "2026-11-25 11:57:00 UTC" {
		t.Errorf("title %q", title)
	}
	if renderDoc(t, When(now, time.Time{})).Find("time").Length() != 0 {
		t.Error("a zero time renders a <time>")
	}
	d = renderDoc(t, ErrorBox(ErrorView{Status: 503, Title: "IVS is busy", Message: "m", RequestID: "rid", Retry: true}))
	if d.Find(`[role="alert"] h1`).Text() != "IVS is busy" || !strings.Contains(d.Text(), "rid") || !strings.Contains(d.Text(), "HTTP 503") {
		t.Errorf("error box: %q", d.Text())
	}
}

func TestAgoAndDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{10 * time.Second: "10 s ago", 3 * time.Minute: "3 min ago", 5 * time.Hour: "5 h ago", 72 * time.Hour: "3 d ago", -2 * time.Minute: "in 2 min"} {
		if got := Ago(now, now.Add(-d)); got != want {
			t.Errorf("Ago(%v) = %q, want %q", d, got, want)
		}
	}
	for d, want := range map[time.Duration]string{75 * time.Minute: "1 h 15 min", 4 * time.Minute: "4 min", 30 * time.Second: "30 s", -time.Second: "0 s"} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}
