package notify

import (
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/history"
)

const compARN = "arn:aws:ivs:eu-west-1:123456789012:composition/Comp12345678"

func destT(from, to string) history.Transition {
	return history.Transition{ID: 7, Time: at, Region: "eu-west-1", Kind: history.KindDestination, Subject: compARN, Detail: "DestAbc12345",
		SubjectName: "program-channel of composition Comp12345678", StageARN: stageARN, SessionID: "st-AbC123", From: from, To: to,
		Cause: "IVS lost the connection to this IVS channel and is reconnecting."}
}

func TestDestinationAlertsFireAndResolve(t *testing.T) {
	tests := []struct {
		from, to         string
		status, severity string
		title            string
	}{
		{"active", "reconnecting", StatusFiring, SeverityWarning, "Program output of stage main-stage is not reaching program-channel of composition Comp12345678"},
		{"", "failed", StatusFiring, SeverityCritical, "is not reaching"},
		{"reconnecting", "failed", StatusFiring, SeverityCritical, "is not reaching"},
		{"reconnecting", "active", StatusResolved, SeverityInfo, "reaches program-channel of composition Comp12345678 again"},
		{"failed", "stopped", StatusResolved, SeverityInfo, "composition stopped"},
		{"", "active", "", "", ""},
		{"active", "stopping", "", "", ""},
	}
	for _, tt := range tests {
		a, ok := AlertFor(destT(tt.from, tt.to), console)
		if ok != (tt.status != "") {
			t.Fatalf("%s -> %s: alert %v", tt.from, tt.to, ok)
		}
		if !ok {
			continue
		}
		if a.Status != tt.status || a.Severity != tt.severity || !strings.Contains(a.Title, tt.title) {
			t.Errorf("%s -> %s: %s %s %q", tt.from, tt.to, a.Status, a.Severity, a.Title)
		}
		if a.Key != compARN+"/DestAbc12345" || a.URL != console+"/r/eu-west-1/compositions/Comp12345678" {
			t.Errorf("key %q url %q", a.Key, a.URL)
		}
		if tt.status == StatusFiring && !strings.Contains(a.Text, "reconnecting") {
			t.Errorf("firing text without its cause: %q", a.Text)
		}
	}
}
