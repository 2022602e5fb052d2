package notify

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Alert statuses (the KindAlert transition's To).
const (
	StatusFiring   = history.AlertFiring
	StatusResolved = history.AlertResolved
)

// Severities.
const (
	SeverityWarning  = "warning"  // degraded: one encoder left, no protection
	SeverityCritical = "critical" // down: no encoder publishes
	SeverityInfo     = "info"     // resolved
)

// Alert is a message about a redundant ingest configuration's protection.
type Alert struct {
	Key           string // the ingest configuration's ARN: alerts of one key are delivered in order
	TransitionID  int64  // the pair transition's id: one message per transition and target
	Status        string // StatusFiring or StatusResolved
	Severity      string // SeverityWarning, SeverityCritical or SeverityInfo
	Region        string
	Stage         string // the stage's name (Enqueue finds it in history), else its id
	StageARN      string
	SessionID     string
	Configuration string    // the configuration's display name
	From, To      string    // pair states
	Cause         string    // what keeps the pair from protected, as the watcher says it
	Since         time.Time // when the transition happened
	// FiredAt is, for a resolved alert, when the key's alert last fired,
	// and FirstFiredAt when it first fired since it was last resolved (they
	// differ after degraded → down). Zero when unknown; Enqueue looks them
	// up in the store.
	FiredAt      time.Time
	FirstFiredAt time.Time
	Title        string // "keynote-main is DEGRADED"
	Text         string // the rest, in plain words
	URL          string // the configuration's page in the console ("" without a console URL)

	// destination: a program output alert (destination_alert.go); Key is
	// then the composition's ARN and the destination's id, Configuration
	// the destination's label.
	destination bool
}

// AlertFor returns the alert a transition raises, if any: a KindPair
// transition into degraded (severity warning) or down (critical) fires; one
// out of degraded or down into protected ("recovered") or idle ("session
// ended") resolves; anything else, protected <-> idle included, raises
// none. consoleURL ("https://greenroom.example.com") makes the link to the
// configuration's page; "" leaves it out.
func AlertFor(t history.Transition, consoleURL string) (Alert, bool) {
	if t.Kind == history.KindDestination {
		return destinationAlertFor(t, consoleURL)
	}
	if t.Kind != history.KindPair {
		return Alert{}, false
	}
	lost := func(s string) bool { return s == history.PairDegraded || s == history.PairDown }
	a := Alert{
		Key: t.Subject, TransitionID: t.ID, Region: t.Region, StageARN: t.StageARN, SessionID: t.SessionID,
		Stage: ivs.IDFromARN(t.StageARN), Configuration: t.SubjectName,
		From: t.From, To: t.To, Cause: t.Cause, Since: t.Time,
	}
	switch {
	case lost(t.To) && t.From != t.To:
		a.Status, a.Severity = StatusFiring, SeverityWarning
		if t.To == history.PairDown {
			a.Severity = SeverityCritical
		}
	case lost(t.From) && (t.To == history.PairProtected || t.To == history.PairIdle):
		a.Status, a.Severity = StatusResolved, SeverityInfo
	default:
		return Alert{}, false
	}
	if a.Region == "" {
		a.Region = regionOf(t.Subject)
	}
	if a.Configuration == "" {
		a.Configuration = ivs.IDFromARN(t.Subject)
	}
	a.URL = configurationURL(consoleURL, a.Region, a.Key)
	a.render()
	return a, true
}

// render writes Title and Text from the other fields, and redacts every
// free-text field.
func (a *Alert) render() {
	name := a.Configuration
	if name == "" {
		name = "an ingest configuration"
	}
	stage := "the stage"
	if a.Stage != "" {
		stage = "stage " + a.Stage
	}
	at := a.Since.UTC().Format("15:04:05 UTC")
	switch {
	case a.destination:
		a.renderDestination()
	case a.Status == StatusFiring:
		if a.To == history.PairDown {
			a.Title = name + " is DOWN"
			a.Text = a.whatChanged(at) + " No encoder feeds " + stage + ": this feed is off air."
		} else {
			a.Title = name + " is DEGRADED"
			a.Text = a.whatChanged(at) + " Only one encoder feeds " + stage + ": no protection left."
		}
	case a.Status == StatusResolved:
		was := "was " + a.From
		if d := a.Since.Sub(a.FiredAt); !a.FiredAt.IsZero() && d > 0 {
			was += " for " + formatDuration(d)
		}
		if d := a.Since.Sub(a.FirstFiredAt); !a.FirstFiredAt.IsZero() && a.FirstFiredAt.Before(a.FiredAt) && d > 0 {
			was += ", without protection for " + formatDuration(d)
		}
		if a.To == history.PairIdle {
			a.Title = name + ": session ended"
			a.Text = "the session on " + stage + " ended at " + at + " (" + was + "). Nothing to protect until the next session."
		} else {
			a.Title = name + " recovered"
			a.Text = "both encoders publish (" + was + ")."
		}
	}
	for _, p := range []*string{&a.Key, &a.Region, &a.Stage, &a.StageARN, &a.SessionID, &a.Configuration,
		&a.From, &a.To, &a.Cause, &a.Title, &a.Text, &a.URL} {
		*p = ivs.RedactStreamKeys(*p)
	}
}

// whatChanged is the first sentence of a firing alert: what changed, why
// and when. The watcher's cause already names the encoders ("encoder B
// stopped publishing (PUBLISH_ERROR: BITRATE_EXCEEDED)"); a bare cause
// ("PUBLISH_ERROR: …") follows generic words in parentheses.
func (a *Alert) whatChanged(at string) string {
	if a.From == history.PairDown && a.To == history.PairDegraded {
		s := "one encoder publishes again at " + at
		if a.Cause != "" {
			s += "; " + a.Cause
		}
		return s + "."
	}
	if strings.HasPrefix(a.Cause, "encoder ") {
		return a.Cause + " at " + at + "."
	}
	var s string
	switch {
	case a.To == history.PairDown && a.From == history.PairProtected:
		s = "both encoders stopped publishing"
	case a.To == history.PairDown && a.From == history.PairDegraded:
		s = "the last publishing encoder stopped"
	case a.To == history.PairDown:
		s = "neither encoder publishes"
	case a.From == history.PairProtected:
		s = "one encoder stopped publishing"
	default:
		s = "only one encoder publishes"
	}
	if a.Cause != "" {
		s += " (" + a.Cause + ")"
	}
	return s + " at " + at + "."
}

// formatDuration: "45 s", "4 min 10 s", "2 h 5 min", "3 d 4 h".
func formatDuration(d time.Duration) string {
	d = d.Round(time.Second)
	if d < time.Second {
		return "less than a second"
	}
	days, hours := int(d/(24*time.Hour)), int(d/time.Hour)%24
	mins, secs := int(d/time.Minute)%60, int(d/time.Second)%60
	pair := func(a int, au string, b int, bu string) string {
		if b == 0 {
			return fmt.Sprintf("%d %s", a, au)
		}
		return fmt.Sprintf("%d %s %d %s", a, au, b, bu)
	}
	switch {
	case days > 0:
		return pair(days, "d", hours, "h")
	case hours > 0:
		return pair(hours, "h", mins, "min")
	case mins > 0:
		return pair(mins, "min", secs, "s")
	}
	return fmt.Sprintf("%d s", secs)
}

// configurationURL is the configuration's page:
// consoleURL/r/{region}/ingest-configurations/{id}.
func configurationURL(consoleURL, region, arn string) string {
	_, id, ok := strings.Cut(arn, ivs.ResourceIngestConfiguration+"/")
	if consoleURL == "" || !ok || id == "" || region == "" {
		return ""
	}
	return strings.TrimRight(consoleURL, "/") + "/r/" + url.PathEscape(region) +
		"/ingest-configurations/" + url.PathEscape(id)
}

// regionOf is the region field of an ARN ("" if it is not one).
func regionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return ""
	}
	return parts[3]
}
