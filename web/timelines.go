package web

import (
	"slices"
	"time"

	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
)

// encoderTimeline is a redundant configuration's protection and each of
// its encoders over the last window, from the watcher's history.
func encoderTimeline(cfg ivs.IngestConfiguration, ts []history.Transition, now time.Time) *views.Timeline {
	from := now.Add(-console.TimelineWindow)
	tl := &views.Timeline{Title: "Encoders over the last " + views.Duration(console.TimelineWindow), From: from, To: now, Rows: ts}
	// The pair's first sight (From "") is when watching began: the
	// encoders' lanes know nothing before it.
	var known time.Time
	for _, t := range kinds(ts, history.KindPair, "") {
		if t.From == "" && (known.IsZero() || t.Time.Before(known)) {
			known = t.Time
		}
	}
	tl.Lanes = append(tl.Lanes, views.LaneOf("Protection", kinds(ts, history.KindPair, ""), from, now, known))
	for i := range max(2, len(cfg.Credentials)) {
		label := string(rune('A' + i))
		tl.Lanes = append(tl.Lanes, views.LaneOf("Encoder "+label, kinds(ts, history.KindEncoder, label), from, now, known))
	}
	return tl
}

func kinds(ts []history.Transition, k history.Kind, encoder string) []history.Transition {
	var out []history.Transition
	for _, t := range ts {
		if t.Kind == k && t.Encoder == encoder {
			out = append(out, t)
		}
	}
	return out
}

// participantChart is a session's connected participants and publishers
// over time, from the watcher's samples.
func participantChart(sess ivs.StageSession, samples []history.Sample, now time.Time) *views.Chart {
	from, to := now.Add(-console.TimelineWindow), now
	if sess.StartTime.After(from) {
		from = sess.StartTime
	}
	if !sess.EndTime.IsZero() && sess.EndTime.Before(to) {
		to = sess.EndTime
	}
	c := &views.Chart{Title: "Participants over time", From: from, To: to,
		Series: []views.Series{{Label: "connected"}, {Label: "publishing"}}}
	for _, s := range samples {
		c.Series[0].Points = append(c.Series[0].Points, views.Point{Time: s.Time, Value: s.Connected})
		c.Series[1].Points = append(c.Series[1].Points, views.Point{Time: s.Time, Value: s.Publishers})
	}
	return c
}

// sessionsTimeline is a stage's sessions over the last day, from the page
// of sessions the stage page lists.
func sessionsTimeline(sessions []ivs.StageSession, now time.Time) *views.Timeline {
	from := now.Add(-24 * time.Hour)
	var ts []history.Transition
	for _, s := range sessions {
		ts = append(ts, history.Transition{Time: s.StartTime, Kind: history.KindSession, SessionID: s.ID, From: "ended", To: "live"})
		if !s.EndTime.IsZero() {
			ts = append(ts, history.Transition{Time: s.EndTime, Kind: history.KindSession, SessionID: s.ID, From: "live", To: "ended"})
		}
	}
	slices.SortFunc(ts, func(a, b history.Transition) int { return b.Time.Compare(a.Time) })
	var rows []history.Transition
	for _, t := range ts {
		if t.Time.After(from) {
			rows = append(rows, t)
		}
	}
	return &views.Timeline{Title: "Sessions over the last day", From: from, To: now, Rows: rows,
		Lanes: []views.Lane{views.LaneOf("Sessions", ts, from, now, time.Time{})}}
}
