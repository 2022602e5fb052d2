package ivs

import (
	"slices"
	"time"
)

// Protection is how well a redundant ingest configuration is covered now.
type Protection string

const (
	// Protected: both encoders publish; either may fail without an outage.
	Protected Protection = "protected"
	// Degraded: one encoder publishes; the stage is fed but without protection.
	Degraded Protection = "degraded"
	// Down: neither encoder publishes, though at least one did in this
	// session: the program is off air.
	Down Protection = "down"
	// Idle: the stage has no live session, or neither encoder has joined
	// it: nothing is expected to publish, so nothing is broken.
	Idle Protection = "idle"
	// NotRedundant: the configuration has a single encoder.
	NotRedundant Protection = "not-redundant"
)

// Encoder is one physical encoder of a redundant pair. IVS does not rank the
// two, so they are called A and B in the order of the credentials, and no
// API says which of them feeds the virtual participant: we never guess.
type Encoder struct {
	Label         string // "A" or "B"
	ParticipantID string
	Publishing    bool
	Connected     bool
	// Seen is false when the encoder has not joined the session at all.
	Seen bool
	// LastChange is when the encoder's state last changed (its latest
	// join, leave, publish or error event). Cause is the event that
	// explains the state it is in now, and only that: a publishing encoder's
	// cause is its latest start, never an old error; a stopped one's is why
	// it stopped ("PUBLISH_ERROR: BITRATE_EXCEEDED", or "LEFT").
	LastChange time.Time
	Cause      string
	CauseError bool
}

// Redundancy is the state of one ingest configuration in a stage's session.
type Redundancy struct {
	Config     IngestConfiguration
	SessionID  string
	Protection Protection
	Encoders   []Encoder
}

// Problem reports whether the protection is something to act on.
func (p Protection) Problem() bool { return p == Degraded || p == Down }

// Publishing counts encoders that publish now.
func (r Redundancy) Publishing() int {
	n := 0
	for _, e := range r.Encoders {
		if e.Publishing {
			n++
		}
	}
	return n
}

// AssessRedundancy derives each encoder's state from the session's
// participants (a ListParticipants with filterByPublished is enough: an
// encoder that never published is not publishing).
func AssessRedundancy(cfg IngestConfiguration, sessionID string, participants []Participant) Redundancy {
	r := Redundancy{Config: cfg, SessionID: sessionID}
	if !cfg.RedundantIngest {
		r.Protection = NotRedundant
		return r
	}
	for i, cred := range cfg.Credentials {
		enc := Encoder{Label: string(rune('A' + i)), ParticipantID: cred.ParticipantID}
		// A participant id can appear more than once if an encoder
		// reconnected; the latest join wins.
		var latest *Participant
		for j := range participants {
			p := &participants[j]
			if p.ID == cred.ParticipantID && (latest == nil || p.FirstJoinTime.After(latest.FirstJoinTime)) {
				latest = p
			}
		}
		if latest != nil {
			enc.Seen = true
			enc.Connected = latest.Connected()
			enc.Publishing = latest.Connected() && latest.Published
			enc.LastChange = latest.FirstJoinTime
		}
		r.Encoders = append(r.Encoders, enc)
	}
	r.Protection = protectionOf(r)
	return r
}

// stateEvents change an encoder's state. A PUBLISH_ERROR of
// REUSE_OF_STREAM_KEY is not among them: it refuses a second connection
// with the key while the encoder already streaming with it carries on.
var stateEvents = []string{"JOINED", "LEFT", "PUBLISH_STARTED", "PUBLISH_STOPPED", "PUBLISH_ERROR", "JOIN_ERROR"}

func changesState(ev ParticipantEvent) bool {
	return slices.Contains(stateEvents, ev.Name) && ev.ErrorCode != "REUSE_OF_STREAM_KEY"
}

// ApplyEvents refines an encoder with its event timeline: the latest event
// that changed its state says whether it publishes, since when, and why.
func (e *Encoder) ApplyEvents(events []ParticipantEvent) {
	var last *ParticipantEvent
	for i := range events {
		ev := &events[i]
		if changesState(*ev) && (last == nil || !ev.Time.Before(last.Time)) {
			last = ev
		}
	}
	if last == nil {
		return
	}
	switch last.Name {
	case "PUBLISH_ERROR", "LEFT", "PUBLISH_STOPPED", "JOIN_ERROR":
		e.Publishing = false
	case "PUBLISH_STARTED":
		e.Publishing = e.Connected
	}
	e.LastChange = last.Time
	if e.Publishing {
		e.Cause, e.CauseError = last.Name, false
		return
	}
	// An error logged with the stop (an encoder dropped on
	// BITRATE_EXCEEDED shows PUBLISH_ERROR, PUBLISH_STOPPED and LEFT at
	// once) is its cause: the why, not only the what.
	cause := last
	for i := range events {
		ev := &events[i]
		if ev.IsError() && changesState(*ev) && !ev.Time.After(last.Time) && last.Time.Sub(ev.Time) <= 2*time.Second {
			cause = ev
		}
	}
	e.Cause = cause.Name
	if cause.ErrorCode != "" {
		e.Cause += ": " + cause.ErrorCode
	}
	e.CauseError = cause.IsError()
}

// Reassess recomputes the protection after encoders were refined.
func (r *Redundancy) Reassess() { r.Protection = protectionOf(*r) }

func protectionOf(r Redundancy) Protection {
	if !r.Config.RedundantIngest {
		return NotRedundant
	}
	if r.SessionID == "" || !slices.ContainsFunc(r.Encoders, func(e Encoder) bool { return e.Seen }) {
		return Idle
	}
	switch r.Publishing() {
	case 0:
		return Down
	case 1:
		if len(r.Encoders) > 1 {
			return Degraded
		}
		return Protected
	default:
		return Protected
	}
}
