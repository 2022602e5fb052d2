// Package views renders Greenroom's pages and fragments with templ. Views take
// view models and domain values (internal/ivs), never Echo or the SDK.
package views

import "time"

// Page is what the layout needs to know about the request.
type Page struct {
	Title    string
	Nav      string // "board" | "stages" | "ingest" | "encoders" | "storage" | "keys" | "audit"
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

	// Icon is the favicon (a data: URL); empty for the plain one.
	Icon string
	// Refresh, when set, reloads the page every so many seconds in a
	// browser without JavaScript (live pages).
	Refresh int

	CanOperate bool // create, edit, delete ingest configurations; disconnect
	CanReveal  bool // reveal stream keys
	IsAdmin    bool // audit log
}

// Flash is a one-time message shown after a redirect.
type Flash struct {
	Kind string // ok | warn | bad
	Text string
}
