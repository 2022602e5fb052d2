package form

import (
	"net/url"
	"strings"
)

// IngestListQuery is the list page's address: ?stage=<stage id> or
// ?state=ACTIVE|INACTIVE (IVS filters by one at a time), ?next=<page token>
// and ?sort=<column> (a leading "-" sorts descending).
type IngestListQuery struct {
	Stage string
	State string
	Next  string
	Sort  string
}

// IngestSortColumns are the columns ?sort= accepts.
var IngestSortColumns = []string{"name", "protocol", "stage", "state", "user", "redundant"}

// OneFilterRule explains the API's rule in the UI's words.
const OneFilterRule = "IVS lists ingest configurations filtered by one thing at a time: a stage or a state, not both. Choose one filter; clear it to use the other."

// ParseIngestListQuery reads and checks the list's query string. The error
// is a sentence for the user; nothing should be sent upstream with it.
func ParseIngestListQuery(v url.Values) (IngestListQuery, string) {
	q := IngestListQuery{
		Stage: strings.TrimSpace(v.Get("stage")),
		State: strings.ToUpper(strings.TrimSpace(v.Get("state"))),
		Next:  v.Get("next"),
		Sort:  strings.TrimSpace(v.Get("sort")),
	}
	if q.Stage != "" && q.State != "" {
		return q, "The address asks for a stage filter and a state filter at once. " + OneFilterRule
	}
	if q.Stage != "" && !ingestValidID(q.Stage) {
		return q, "“" + clipIngest(q.Stage) + "” is not a stage id: ids are letters, digits and dashes."
	}
	switch q.State {
	case "", "ACTIVE", "INACTIVE":
	default:
		return q, "The state filter must be ACTIVE or INACTIVE."
	}
	if len(q.Next) > 1024 {
		return q, "The page token in the address is too long: start again from the first page."
	}
	for _, r := range q.Next {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+/=_-", r)) {
			return q, "The page token in the address is damaged: start again from the first page."
		}
	}
	col := strings.TrimPrefix(q.Sort, "-")
	if q.Sort != "" {
		ok := false
		for _, c := range IngestSortColumns {
			ok = ok || c == col
		}
		if !ok {
			return q, "The list cannot be sorted by “" + clipIngest(q.Sort) + "”: use one of name, protocol, stage, state, user, redundant."
		}
	}
	return q, ""
}

func ingestValidID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}
