package watch

import (
	"strings"
	"time"

	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Encoder states as history records them.
const (
	encoderPublishing    = "publishing"
	encoderNotPublishing = "not publishing"
)

// transitions compares two sweeps of a region: sessions that started or
// ended, encoders that started or stopped publishing within a session,
// pairs whose protection changed. It also carries each pair's Since over.
// recalled and recalledDest give, on the first sweep, what history last
// knew of the pairs and the composition destinations.
func transitions(prev, next *Region, recalled map[string]ivs.Protection, recalledDest map[string]history.RecalledDestination, now time.Time) []history.Transition {
	var out []history.Transition
	region := string(next.Region)
	first := prev.SweptAt.IsZero()
	for _, st := range next.Stages {
		ps := prev.stage(st.Stage.ARN)
		out = append(out, sessionTransitions(region, ps, st, first, now)...)
		out = append(out, outputTransitions(region, ps, st, recalledDest, now)...)
		for i := range st.Pairs {
			p := &st.Pairs[i]
			pp := ps.pair(p.Config.ARN)
			from := ""
			switch {
			case pp != nil:
				from = string(pp.Protection)
				p.Since = pp.Since
			case recalled != nil:
				from = string(recalled[p.Config.ARN])
			}
			if pp != nil && pp.SessionID == p.SessionID && p.SessionID != "" {
				out = append(out, encoderTransitions(region, st, pp, p, now)...)
			}
			if from == string(p.Protection) && !p.Since.IsZero() {
				continue
			}
			at := now
			if p.Protection.Problem() {
				at = latestChange([]Pair{*p}, now)
			}
			p.Since = at
			if from == string(p.Protection) {
				continue // first sight of a state history already holds
			}
			out = append(out, history.Transition{Time: at, Region: region, Kind: history.KindPair,
				Subject: p.Config.ARN, SubjectName: p.Config.DisplayName(), StageARN: st.Stage.ARN, SessionID: p.SessionID,
				From: from, To: string(p.Protection), Cause: pairCause(p.Redundancy)})
		}
	}
	return out
}

func sessionTransitions(region string, ps, st *Stage, first bool, now time.Time) []history.Transition {
	var prevID, nextID string
	if ps != nil && ps.Session != nil {
		prevID = ps.Session.ID
	}
	if st.Session != nil {
		nextID = st.Session.ID
	}
	if prevID == nextID || (first && ps == nil && nextID == "") {
		return nil
	}
	var out []history.Transition
	base := history.Transition{Region: region, Kind: history.KindSession, Subject: st.Stage.ARN, SubjectName: st.Stage.DisplayName(), StageARN: st.Stage.ARN}
	if prevID != "" {
		t := base
		t.Time, t.SessionID, t.From, t.To = now, prevID, "live", "ended"
		out = append(out, t)
	}
	if nextID != "" {
		t := base
		t.Time, t.SessionID, t.From, t.To = st.Session.Start, nextID, "", "live"
		if t.Time.IsZero() {
			t.Time = now
		}
		out = append(out, t)
	}
	return out
}

func encoderTransitions(region string, st *Stage, prev, next *Pair, now time.Time) []history.Transition {
	var out []history.Transition
	for i, e := range next.Encoders {
		if i >= len(prev.Encoders) || prev.Encoders[i].Publishing == e.Publishing {
			continue
		}
		t := history.Transition{Time: e.LastChange, Region: region, Kind: history.KindEncoder, Subject: next.Config.ARN,
			SubjectName: next.Config.DisplayName(), StageARN: st.Stage.ARN, SessionID: next.SessionID, Encoder: e.Label,
			ParticipantID: e.ParticipantID, From: encoderPublishing, To: encoderNotPublishing}
		if e.Publishing {
			t.From, t.To = encoderNotPublishing, encoderPublishing
		} else {
			t.Cause = e.Cause
		}
		if t.Time.IsZero() {
			t.Time = now
		}
		out = append(out, t)
	}
	return out
}

// pairCause names what keeps a pair from being protected: each encoder
// that does not publish, with why.
func pairCause(r ivs.Redundancy) string {
	if !r.Protection.Problem() {
		return ""
	}
	var parts []string
	for _, e := range r.Encoders {
		if e.Publishing {
			continue
		}
		why := "never joined"
		if e.Seen {
			why = "stopped publishing"
			if e.Cause != "" {
				why += " (" + e.Cause + ")"
			}
		}
		parts = append(parts, "encoder "+e.Label+" "+why)
	}
	return strings.Join(parts, "; ")
}
