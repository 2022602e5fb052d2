// Package views renders Greenroom's pages and fragments with templ. Views take
// view models and domain values (internal/ivs), never Echo or the SDK.
package views

import (
	"fmt"
	"net/url"
	"time"
)

// Page is what the layout needs to know about the request.
type Page struct {
	Title    string
	Nav      string // "stages" | "ingest" | "audit"
	Region   string
	Regions  []string
	User     string
	Role     string
	Emulator bool
	CSRF     string
	Flashes  []Flash
	// SectionPath is the region-relative path the region switcher keeps, e.g. "/stages".
	SectionPath string
	Stale       bool
	StaleSince  time.Time
	Now         time.Time

	CanOperate bool // create, edit, delete ingest configurations; disconnect
	CanReveal  bool // reveal stream keys
	IsAdmin    bool // audit log
}

// Flash is a one-time message shown after a redirect.
type Flash struct {
	Kind string // ok | warn | bad
	Text string
}

// RegionURL builds a region-scoped URL.
func RegionURL(region, path string) string { return "/r/" + region + path }

// Ago renders a time relative to now, as "3 min ago".
func Ago(now, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	d := now.Sub(t)
	future := d < 0
	if future {
		d = -d
	}
	var s string
	switch {
	case d < 45*time.Second:
		s = fmt.Sprintf("%d s", int(d.Seconds()))
	case d < 45*time.Minute:
		s = fmt.Sprintf("%d min", int(d.Round(time.Minute).Minutes()))
	case d < 36*time.Hour:
		s = fmt.Sprintf("%d h", int(d.Round(time.Hour).Hours()))
	default:
		s = fmt.Sprintf("%d d", int(d.Hours()/24+0.5))
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}

// UTC renders a time exactly, for titles and exports.
func UTC(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// Duration renders a session length like "1 h 05 min".
func Duration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	h := int(d.Hours())
	m := int(d.Minutes()) % 60
	if h > 0 {
		return fmt.Sprintf("%d h %02d min", h, m)
	}
	if m > 0 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d s", int(d.Seconds()))
}

// queryParam renders "&key=value" (escaped), or "" when value is empty.
func queryParam(key, value string) string {
	if value == "" {
		return ""
	}
	return "&" + key + "=" + url.QueryEscape(value)
}
