package notify

import (
	"net/url"
	"strings"

	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Program output alerts: a composition destination that goes RECONNECTING
// or FAILED fires (warning while IVS reconnects, critical once it gave up);
// back to ACTIVE, or its composition stopped, resolves. The key is the
// composition's ARN and the destination's id, so two destinations of one
// composition alert apart.

func destinationLost(s string) bool {
	return s == strings.ToLower(ivs.DestinationReconnecting) || s == strings.ToLower(ivs.CompositionFailed)
}

// destinationAlertFor is AlertFor for a history.KindDestination transition.
func destinationAlertFor(t history.Transition, consoleURL string) (Alert, bool) {
	a := Alert{
		Key: t.Subject + "/" + t.Detail, TransitionID: t.ID, Region: t.Region, StageARN: t.StageARN, SessionID: t.SessionID,
		Stage: ivs.IDFromARN(t.StageARN), Configuration: t.SubjectName,
		From: t.From, To: t.To, Cause: t.Cause, Since: t.Time, destination: true,
	}
	switch {
	case destinationLost(t.To) && t.From != t.To:
		a.Status, a.Severity = StatusFiring, SeverityWarning
		if t.To == strings.ToLower(ivs.CompositionFailed) {
			a.Severity = SeverityCritical
		}
	case destinationLost(t.From) && !destinationLost(t.To):
		a.Status, a.Severity = StatusResolved, SeverityInfo
	default:
		return Alert{}, false
	}
	if a.Region == "" {
		a.Region = regionOf(t.Subject)
	}
	if a.Configuration == "" {
		a.Configuration = "a destination of composition " + ivs.IDFromARN(t.Subject)
	}
	a.URL = compositionURL(consoleURL, a.Region, t.Subject)
	a.render()
	return a, true
}

// renderDestination writes Title and Text of a program output alert.
func (a *Alert) renderDestination() {
	stage := "the stage"
	if a.Stage != "" {
		stage = "stage " + a.Stage
	}
	at := a.Since.UTC().Format("15:04:05 UTC")
	switch a.Status {
	case StatusFiring:
		a.Title = "Program output of " + stage + " is not reaching " + a.Configuration
		a.Text = "the destination went " + a.To + " at " + at + "."
		if a.Cause != "" {
			a.Text += " " + a.Cause
		}
	case StatusResolved:
		was := "was " + a.From
		if d := a.Since.Sub(a.FiredAt); !a.FiredAt.IsZero() && d > 0 {
			was += " for " + formatDuration(d)
		}
		if a.To == strings.ToLower(ivs.CompositionStopped) {
			a.Title = "Program output of " + stage + ": composition stopped"
			a.Text = a.Configuration + " stopped at " + at + " (" + was + ")."
		} else {
			a.Title = "Program output of " + stage + " reaches " + a.Configuration + " again"
			a.Text = "the destination is " + a.To + " again at " + at + " (" + was + ")."
		}
	}
}

// compositionURL is the composition's page:
// consoleURL/r/{region}/compositions/{id}.
func compositionURL(consoleURL, region, arn string) string {
	_, id, ok := strings.Cut(arn, ivs.ResourceComposition+"/")
	if consoleURL == "" || !ok || id == "" || region == "" {
		return ""
	}
	return strings.TrimRight(consoleURL, "/") + "/r/" + url.PathEscape(region) + "/compositions/" + url.PathEscape(id)
}
