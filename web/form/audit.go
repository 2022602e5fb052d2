package form

import (
	"net/url"
	"strings"
	"time"

	"github.com/greenroom-dev/greenroom/internal/audit"
)

// AuditFields is the audit log's filter as typed, kept for the form.
type AuditFields struct {
	Actor, Action, Resource, Outcome, From, To string
}

// ParseAuditFilter reads the audit log's filter from the query string; bad
// values are reported next to their field.
func ParseAuditFilter(q url.Values) (audit.Filter, AuditFields, map[string]string) {
	typed := AuditFields{
		Actor: strings.TrimSpace(q.Get("actor")), Action: q.Get("action"), Resource: strings.TrimSpace(q.Get("resource")),
		Outcome: q.Get("outcome"), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")),
	}
	errs := map[string]string{}
	f := audit.Filter{Actor: typed.Actor, Resource: typed.Resource, Cursor: q.Get("cursor")}
	if typed.Action != "" {
		valid := false
		for _, a := range audit.Actions {
			valid = valid || a == typed.Action
		}
		if !valid {
			errs["action"] = "Unknown action."
		}
		f.Action = typed.Action
	}
	switch typed.Outcome {
	case "", "success", "failure":
		f.Outcome = typed.Outcome
	default:
		errs["outcome"] = "Choose success or failure."
	}
	for _, d := range []struct {
		name, value string
		into        *time.Time
		add         time.Duration
	}{{"from", typed.From, &f.Since, 0}, {"to", typed.To, &f.Until, 24 * time.Hour}} {
		if d.value == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", d.value)
		if err != nil {
			errs[d.name] = "Write the date as YYYY-MM-DD."
			continue
		}
		*d.into = t.Add(d.add)
	}
	for _, v := range []struct{ name, value string }{{"actor", typed.Actor}, {"resource", typed.Resource}} {
		if len(v.value) > 256 {
			errs[v.name] = "At most 256 characters."
		}
	}
	return f, typed, errs
}
