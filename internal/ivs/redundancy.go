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
	// Down: neither encoder publishes.
	Down Protection = "down"
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
	// LastChange is the time of the encoder's latest join, leave, publish or
	// error event, and Cause that event ("PUBLISH_ERROR: BITRATE_EXCEEDED").
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

// ApplyEvents refines an encoder with its event timeline: the latest
// publish-related event says when its state last changed and why.
func (e *Encoder) ApplyEvents(events []ParticipantEvent) {
	relevant := []string{"JOINED", "LEFT", "PUBLISH_STARTED", "PUBLISH_STOPPED", "PUBLISH_ERROR", "JOIN_ERROR"}
	var last *ParticipantEvent
	for i := range events {
		ev := &events[i]
		if slices.Contains(relevant, ev.Name) && (last == nil || !ev.Time.Before(last.Time)) {
			last = ev
		}
	}
	if last == nil {
		return
	}
	// An error logged with the change (an encoder dropped on
	// BITRATE_EXCEEDED shows PUBLISH_ERROR, PUBLISH_STOPPED and LEFT at
	// once) is its cause: the why, not only the what.
	cause := last
	for i := range events {
		ev := &events[i]
		if ev.IsError() && slices.Contains(relevant, ev.Name) && !ev.Time.After(last.Time) && last.Time.Sub(ev.Time) <= 2*time.Second {
			cause = ev
		}
	}
	e.LastChange = last.Time
	e.Cause = cause.Name
	if cause.ErrorCode != "" {
		e.Cause += ": " + cause.ErrorCode
	}
	e.CauseError = cause.IsError()
	switch last.Name {
	case "PUBLISH_ERROR":
		// REUSE_OF_STREAM_KEY refuses a second connection with the key; the
		// encoder already streaming with it carries on.
		if last.ErrorCode != "REUSE_OF_STREAM_KEY" {
			e.Publishing = false
		}
	case "LEFT", "PUBLISH_STOPPED", "JOIN_ERROR":
		e.Publishing = false
	case "PUBLISH_STARTED":
		e.Publishing = e.Connected
	}
}

// Reassess recomputes the protection after encoders were refined.
func (r *Redundancy) Reassess() { r.Protection = protectionOf(*r) }

func protectionOf(r Redundancy) Protection {
	if !r.Config.RedundantIngest {
		return NotRedundant
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
