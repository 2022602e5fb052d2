package metrics

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// The dashboard and the docs must name only metrics that exist.
func TestDashboardAndDocsNameRealMetrics(t *testing.T) {
	IVSCalls.WithLabelValues("ListStages", "us-east-1", "ok").Inc()
	IVSDuration.WithLabelValues("ListStages").Observe(0.01)
	HTTPDuration.WithLabelValues("/", "GET", "2xx").Observe(0.001)
	CacheLookups.WithLabelValues("ListStages", "hit").Inc()
	BudgetWaits.WithLabelValues("ListStages", "waited").Inc()
	CallBudgetShared.WithLabelValues("pages").Set(1)
	CallBudgetFallbacks.WithLabelValues("pages").Add(0)
	SharedModelAge.WithLabelValues("us-east-1").Set(0)
	touchWatcherGauges()
	families, err := Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, f := range families {
		known[f.GetName()] = true
		for _, suffix := range []string{"_bucket", "_count", "_sum"} {
			known[f.GetName()+suffix] = true
		}
	}
	b, err := os.ReadFile("../../docs/grafana-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []struct {
			Targets []struct{ Expr string } `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatal(err)
	}
	name := regexp.MustCompile(`\b(greenroom_[a-z_]+|go_[a-z_]+|process_[a-z_]+)\b`)
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			for _, n := range name.FindAllString(tg.Expr, -1) {
				if !known[n] {
					t.Errorf("dashboard uses unknown metric %s", n)
				}
			}
		}
	}
	doc, _ := os.ReadFile("../../docs/observability.md")
	for _, n := range regexp.MustCompile("`(greenroom_[a-z_]+)`").FindAllStringSubmatch(string(doc), -1) {
		if !known[n[1]] {
			t.Errorf("docs name unknown metric %s", n[1])
		}
	}
	for n := range known {
		if strings.HasPrefix(n, "greenroom_") && !strings.HasSuffix(n, "_bucket") && !strings.HasSuffix(n, "_count") && !strings.HasSuffix(n, "_sum") && !strings.Contains(string(doc), n) {
			t.Errorf("metric %s is not documented", n)
		}
	}
}

// touchWatcherGauges gives each watcher gauge one series: a vector with no
// series is not gathered, and so would look unknown.
func touchWatcherGauges() {
	IngestProtection.WithLabelValues("us-east-1", "st", "ic", "studio-a", "protected").Set(1)
	CompositionDestinationState.WithLabelValues("us-east-1", "st", "comp", "dest", "program", "active").Set(1)
	StagePublishers.WithLabelValues("us-east-1", "st", "studio-a").Set(2)
	StageConnected.WithLabelValues("us-east-1", "st", "studio-a").Set(3)
	StageConnectedAge.WithLabelValues("us-east-1", "st", "studio-a").Set(4)
	WatcherLastSweep.WithLabelValues("us-east-1").SetToCurrentTime()
	WatcherCadence.WithLabelValues("us-east-1").Set(5)
	WatcherLiveStages.WithLabelValues("us-east-1").Set(1)
}

// The shipped alert rules (and their unit tests' input series) must use
// only metrics the registry has.
func TestAlertRulesNameRealMetrics(t *testing.T) {
	IVSCalls.WithLabelValues("ListStages", "us-east-1", "throttled").Inc()
	IVSDuration.WithLabelValues("ListStages").Observe(0.01)
	HTTPDuration.WithLabelValues("/", "GET", "2xx").Observe(0.001)
	CacheLookups.WithLabelValues("ListStages", "hit").Inc()
	BudgetWaits.WithLabelValues("ListStages", "waited").Inc()
	CallBudgetShared.WithLabelValues("pages").Set(1)
	CallBudgetFallbacks.WithLabelValues("pages").Add(0)
	SharedModelAge.WithLabelValues("us-east-1").Set(0)
	touchWatcherGauges()
	families, err := Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, f := range families {
		known[f.GetName()] = true
		for _, suffix := range []string{"_bucket", "_count", "_sum"} {
			known[f.GetName()+suffix] = true
		}
	}
	name := regexp.MustCompile(`\bgreenroom_[a-z_]+\b`)
	for _, file := range []string{"greenroom-rules.yml", "greenroom-rules.test.yml"} {
		b, err := os.ReadFile("../../docs/alerts/" + file)
		if err != nil {
			t.Fatal(err)
		}
		names := name.FindAllString(string(b), -1)
		if file == "greenroom-rules.yml" && len(names) == 0 {
			t.Errorf("%s names no greenroom metric: is the pattern still right?", file)
		}
		for _, n := range names {
			if !known[n] {
				t.Errorf("%s uses unknown metric %s", file, n)
			}
		}
	}
}
