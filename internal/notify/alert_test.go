package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/history"
)

const (
	cfgARN   = "arn:aws:ivs:eu-west-1:123456789012:ingest-configuration/AbCdEf123456"
	cfgARN2  = "arn:aws:ivs:eu-west-1:123456789012:ingest-configuration/GhIjKl789012"
	stageARN = "arn:aws:ivs:eu-west-1:123456789012:stage/main-stage"
	console  = "https://greenroom.example.com"
)

var at = time.Date(2026, 3, 1, 14, 3, 12, 0, time.UTC)

func pairT(from, to string) history.Transition {
	return history.Transition{ID: 42, Time: at, Region: "eu-west-1", Kind: history.KindPair, Subject: cfgARN,
		SubjectName: "keynote-main", StageARN: stageARN, SessionID: "st-AbC123", From: from, To: to}
}

func TestAlertForFiresAndResolves(t *testing.T) {
	const (
		P = history.PairProtected
		G = history.PairDegraded
		D = history.PairDown
		I = history.PairIdle
	)
	tests := []struct {
		from, to         string
		status, severity string // "" = no alert
		title            string
	}{
		{P, G, StatusFiring, SeverityWarning, "keynote-main is DEGRADED"},
		{P, D, StatusFiring, SeverityCritical, "keynote-main is DOWN"},
		{G, D, StatusFiring, SeverityCritical, "keynote-main is DOWN"},
		{D, G, StatusFiring, SeverityWarning, "keynote-main is DEGRADED"},
		{I, G, StatusFiring, SeverityWarning, "keynote-main is DEGRADED"},
		{I, D, StatusFiring, SeverityCritical, "keynote-main is DOWN"},
		{"", G, StatusFiring, SeverityWarning, "keynote-main is DEGRADED"},
		{G, P, StatusResolved, SeverityInfo, "keynote-main recovered"},
		{D, P, StatusResolved, SeverityInfo, "keynote-main recovered"},
		{G, I, StatusResolved, SeverityInfo, "keynote-main: session ended"},
		{D, I, StatusResolved, SeverityInfo, "keynote-main: session ended"},
		{P, I, "", "", ""},
		{I, P, "", "", ""},
		{"", P, "", "", ""},
		{G, G, "", "", ""},
		{G, "not-redundant", "", "", ""},
	}
	for _, tt := range tests {
		a, ok := AlertFor(pairT(tt.from, tt.to), console)
		if ok != (tt.status != "") || a.Status != tt.status || a.Severity != tt.severity || a.Title != tt.title {
			t.Errorf("%q -> %q: %v, %+v; want %q %q %q", tt.from, tt.to, ok, a, tt.status, tt.severity, tt.title)
		}
	}
	for _, k := range []history.Kind{history.KindEncoder, history.KindSession, history.KindAlert, history.KindNotification} {
		tr := pairT(history.PairProtected, history.PairDown)
		tr.Kind = k
		if _, ok := AlertFor(tr, console); ok {
			t.Errorf("a %s transition raised an alert", k)
		}
	}
}

func TestAlertWords(t *testing.T) {
	tr := pairT(history.PairProtected, history.PairDegraded)
	tr.Cause = "encoder B stopped publishing (PUBLISH_ERROR: BITRATE_EXCEEDED)" // as internal/watch words it
	a, _ := AlertFor(tr, console+"/")
	if a.Title != "keynote-main is DEGRADED" ||
		a.Text != "encoder B stopped publishing (PUBLISH_ERROR: BITRATE_EXCEEDED) at 14:03:12 UTC. Only one encoder feeds stage main-stage: no protection left." {
		t.Errorf("degraded: %q / %q", a.Title, a.Text)
	}
	if a.URL != "https://greenroom.example.com/r/eu-west-1/ingest-configurations/AbCdEf123456" {
		t.Errorf("URL = %q", a.URL)
	}
	if a.Key != cfgARN || a.TransitionID != 42 || a.Stage != "main-stage" || a.Configuration != "keynote-main" ||
		!a.Since.Equal(at) || a.Region != "eu-west-1" || a.SessionID != "st-AbC123" {
		t.Errorf("fields: %+v", a)
	}

	const (
		offAir = " No encoder feeds stage main-stage: this feed is off air."
		noProt = " Only one encoder feeds stage main-stage: no protection left."
	)
	words := map[[3]string]string{ // from, to, cause
		{history.PairDegraded, history.PairDown, "encoder A stopped publishing (LEFT); encoder B stopped publishing (PUBLISH_ERROR: BITRATE_EXCEEDED)"}: "encoder A stopped publishing (LEFT); encoder B stopped publishing (PUBLISH_ERROR: BITRATE_EXCEEDED) at 14:03:12 UTC." + offAir,
		{history.PairIdle, history.PairDegraded, "encoder B never joined"}:                                                                              "encoder B never joined at 14:03:12 UTC." + noProt,
		{history.PairDown, history.PairDegraded, "encoder B stopped publishing (LEFT)"}:                                                                 "one encoder publishes again at 14:03:12 UTC; encoder B stopped publishing (LEFT)." + noProt,
		// Without the watcher's words: generic ones, and a bare cause in parentheses.
		{history.PairProtected, history.PairDown, ""}:                               "both encoders stopped publishing at 14:03:12 UTC." + offAir,
		{history.PairDegraded, history.PairDown, "PUBLISH_ERROR: BITRATE_EXCEEDED"}: "the last publishing encoder stopped (PUBLISH_ERROR: BITRATE_EXCEEDED) at 14:03:12 UTC." + offAir,
		{history.PairIdle, history.PairDown, ""}:                                    "neither encoder publishes at 14:03:12 UTC." + offAir,
		{history.PairDown, history.PairDegraded, ""}:                                "one encoder publishes again at 14:03:12 UTC." + noProt,
		{history.PairIdle, history.PairDegraded, ""}:                                "only one encoder publishes at 14:03:12 UTC." + noProt,
		{history.PairProtected, history.PairDegraded, ""}:                           "one encoder stopped publishing at 14:03:12 UTC." + noProt,
	}
	for k, want := range words {
		tr := pairT(k[0], k[1])
		tr.Cause = k[2]
		if a, _ := AlertFor(tr, ""); a.Text != want || a.URL != "" {
			t.Errorf("%v: %q (URL %q)\nwant %q", k, a.Text, a.URL, want)
		}
	}

	// Resolved: how long it lasted, once FiredAt is known.
	a, _ = AlertFor(pairT(history.PairDegraded, history.PairProtected), console)
	if a.Text != "both encoders publish (was degraded)." {
		t.Errorf("resolved without FiredAt: %q", a.Text)
	}
	a.FiredAt = at.Add(-(4*time.Minute + 10*time.Second))
	a.render()
	if got := a.Title + ": " + a.Text; got != "keynote-main recovered: both encoders publish (was degraded for 4 min 10 s)." {
		t.Errorf("resolved: %q", got)
	}
	a, _ = AlertFor(pairT(history.PairDown, history.PairIdle), console)
	a.FiredAt, a.FirstFiredAt = at.Add(-time.Minute), at.Add(-5*time.Minute)
	a.render()
	if got := a.Title + ": " + a.Text; got != "keynote-main: session ended: the session on stage main-stage ended at 14:03:12 UTC "+
		"(was down for 1 min, without protection for 5 min). Nothing to protect until the next session." {
		t.Errorf("session ended: %q", got)
	}

	// Without a name or a stage, still readable.
	tr = history.Transition{ID: 1, Time: at, Kind: history.KindPair, Subject: cfgARN, From: history.PairProtected, To: history.PairDown}
	a, _ = AlertFor(tr, console)
	if a.Title != "AbCdEf123456 is DOWN" || !strings.Contains(a.Text, "No encoder feeds the stage") || a.Region != "eu-west-1" {
		t.Errorf("no names: %+v", a)
	}
}

func TestAlertRedactsStreamKeys(t *testing.T) {
	key := "rt_123456789012_eu-west-1_AbCdEf123456_GhIjKlMnOpQrStUv"
	tr := pairT(history.PairProtected, history.PairDown)
	tr.Cause, tr.SubjectName = "PUBLISH_ERROR: key "+key, "feed "+key
	a, _ := AlertFor(tr, console)
	if s := a.Title + a.Text + a.Cause + a.Configuration; strings.Contains(s, "GhIjKlMnOpQrStUv") || !strings.Contains(s, "[stream key]") {
		t.Fatalf("stream key in alert: %+v", a)
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                                     "less than a second",
		45 * time.Second:                      "45 s",
		4*time.Minute + 10*time.Second:        "4 min 10 s",
		4 * time.Minute:                       "4 min",
		2*time.Hour + 5*time.Minute:           "2 h 5 min",
		2*time.Hour + 30*time.Second:          "2 h",
		75*time.Hour + 59*time.Minute:         "3 d 3 h",
		4*time.Minute + 9600*time.Millisecond: "4 min 10 s",
	} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestConfigurationURL(t *testing.T) {
	for _, c := range []struct{ console, region, arn, want string }{
		{console, "eu-west-1", cfgARN, console + "/r/eu-west-1/ingest-configurations/AbCdEf123456"},
		{console + "/ops/", "eu-west-1", cfgARN, console + "/ops/r/eu-west-1/ingest-configurations/AbCdEf123456"},
		{"", "eu-west-1", cfgARN, ""},
		{console, "eu-west-1", stageARN, ""},
		{console, "", cfgARN, ""},
	} {
		if got := configurationURL(c.console, c.region, c.arn); got != c.want {
			t.Errorf("configurationURL(%q, %q, %q) = %q, want %q", c.console, c.region, c.arn, got, c.want)
		}
	}
}
