package views

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/greenroom-dev/greenroom/internal/history"
)

// Timeline is a set of lanes of states over a window (an encoder pair's
// protection and each encoder, a stage's sessions), drawn as SVG with the
// transitions behind it as a table.
type Timeline struct {
	Title    string
	From, To time.Time
	Lanes    []Lane
	// Rows are the transitions in the window, newest first.
	Rows []history.Transition
}

// Lane is one row of a timeline.
type Lane struct {
	Label    string
	Segments []Segment
}

// Segment is a stretch of one state; X and W are in per mille of the window.
type Segment struct {
	From, To time.Time
	State    string
	X, W     int
}

// Class is the segment's colour class, by state.
func (s Segment) Class() string {
	switch s.State {
	case "protected", "publishing", "live":
		return "tl-good"
	case "degraded":
		return "tl-warn"
	case "down", "not publishing":
		return "tl-bad"
	}
	return "tl-idle"
}

// Flaps counts the changes in a lane: the number a person scans for.
func (l Lane) Flaps() int { return max(0, len(l.Segments)-1) }

// LaneOf builds a lane from transitions (any order) of one subject: each
// transition switches the state at its time. Before the first, the lane is
// in that transition's From state from known on (when watching began; zero:
// all along), and unknown before: the lane never guesses.
func LaneOf(label string, ts []history.Transition, from, to, known time.Time) Lane {
	sorted := slices.Clone(ts)
	slices.SortStableFunc(sorted, func(a, b history.Transition) int { return a.Time.Compare(b.Time) })
	l := Lane{Label: label}
	state, at := "", from
	if len(sorted) > 0 {
		state = sorted[0].From
		if known.After(from) {
			l.add("", from, known, from, to)
			at = known
		}
	}
	for _, t := range sorted {
		if t.Time.After(from) {
			l.add(state, at, t.Time, from, to)
			at = t.Time
		}
		state = t.To
	}
	l.add(state, at, to, from, to)
	return l
}

func (l *Lane) add(state string, a, b, from, to time.Time) {
	if a.Before(from) {
		a = from
	}
	if b.After(to) {
		b = to
	}
	if !b.After(a) {
		return
	}
	span := to.Sub(from)
	x := int(a.Sub(from) * 1000 / span)
	w := max(1, int(b.Sub(a)*1000/span))
	l.Segments = append(l.Segments, Segment{From: a, To: b, State: state, X: x, W: w})
}

// Ticks are the axis labels of a window: its start, middle and end, in UTC
// (laid out evenly, so no position needs an inline style).
func Ticks(from, to time.Time) []string {
	format := "15:04"
	if to.Sub(from) > 36*time.Hour {
		format = "Jan 2 15:04"
	}
	mid := from.Add(to.Sub(from) / 2)
	return []string{from.UTC().Format(format), mid.UTC().Format(format), to.UTC().Format(format) + " UTC"}
}

// Series is a line of a chart: values over time.
type Series struct {
	Label  string
	Points []Point
}

// Point is one value at one time.
type Point struct {
	Time  time.Time
	Value int
}

// Chart is a line chart of counts over a window, with the points behind it
// as a table.
type Chart struct {
	Title    string
	From, To time.Time
	Series   []Series
}

// Max is the largest value of the chart (at least 1).
func (c Chart) Max() int {
	m := 1
	for _, s := range c.Series {
		for _, p := range s.Points {
			m = max(m, p.Value)
		}
	}
	return m
}

// Path is the SVG polyline of a series in a 1000 × h box.
func (c Chart) Path(s Series, h int) string {
	span := c.To.Sub(c.From)
	if span <= 0 {
		return ""
	}
	top := c.Max()
	var b strings.Builder
	for i, p := range s.Points {
		if i > 0 {
			b.WriteByte(' ')
		}
		x := int(p.Time.Sub(c.From) * 1000 / span)
		y := h - p.Value*(h-4)/top - 2
		b.WriteString(strconv.Itoa(x) + "," + strconv.Itoa(y))
	}
	return b.String()
}
