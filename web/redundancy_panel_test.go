package web

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// checkRedundancyPanel asserts what the fixture's degraded configuration
// must show: both encoders, which one dropped, when and why, links to
// both encoder participants and to the configuration, and no claim about
// which encoder feeds the virtual participant.
func checkRedundancyPanel(t *testing.T, panel *goquery.Selection, sessionPath string) {
	t.Helper()
	if panel.Length() != 1 {
		t.Fatal("no redundancy panel")
	}
	item := panel.Find(`[data-redundancy]`)
	if v, _ := item.Attr("data-redundancy"); v != "degraded" {
		t.Errorf("protection %q, want degraded", v)
	}
	txt := panel.Text()
	for _, want := range []string{"running without protection", "does not say which", "virt00000001", "BITRATE_EXCEEDED", "8.5 Mbps"} {
		if !strings.Contains(txt, want) {
			t.Errorf("panel lacks %q", want)
		}
	}
	for _, bad := range []string{"on air now", "primary", "active encoder"} {
		if strings.Contains(strings.ToLower(txt), bad) {
			t.Errorf("panel claims %q", bad)
		}
	}
	if panel.Find(`a[href="/r/us-east-1/ingest-configurations/`+bRedID+`"]`).Length() != 1 {
		t.Error("no link to the configuration")
	}
	for _, id := range []string{bEncA, bEncB} {
		found := false
		panel.Find("a").Each(func(_ int, a *goquery.Selection) {
			found = found || resolve(sessionPath, a.AttrOr("href", "")) == sessionPath+"/participants/"+id
		})
		if !found {
			t.Errorf("no link to encoder %s", id)
		}
	}
	rowA := panel.Find(`tbody tr`).First()
	if !rowA.HasClass("row-error") || !strings.Contains(rowA.Text(), "not publishing") || rowA.Find("time[datetime]").Length() != 1 {
		t.Errorf("encoder A row: %q", rowA.Text())
	}
	if !strings.Contains(panel.Find(`tbody tr`).Eq(1).Text(), "publishing") {
		t.Error("encoder B not publishing")
	}
}
