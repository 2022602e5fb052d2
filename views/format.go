package views

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Quoted is a configuration's name in quotes, or its id, for sentences.
func Quoted(c ivs.IngestConfiguration) string {
	if c.Name != "" {
		return "“" + c.Name + "”"
	}
	return c.DisplayName()
}

// Plural is "1 row" or "n rows".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// PluralS is the "s" of a plural when many is true.
func PluralS(many bool) string {
	if many {
		return "s"
	}
	return ""
}

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
