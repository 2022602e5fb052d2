package form

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// FieldParticipants is the bulk disconnect's checkboxes.
const FieldParticipants = "participant"

// BulkDisconnect is the form that disconnects several participants of a
// session with one reason.
type BulkDisconnect struct {
	IDs    []string
	Reason string
}

// ParseBulkDisconnect reads the selection (ids checked for shape, each
// once, at most max) and the reason (as for one participant).
func ParseBulkDisconnect(v url.Values, max int) (BulkDisconnect, Errors) {
	d, errs := ParseDisconnect(v)
	b := BulkDisconnect{Reason: d.Reason}
	seen := map[string]bool{}
	for _, id := range v[FieldParticipants] {
		id = strings.TrimSpace(id)
		if seen[id] {
			continue
		}
		seen[id] = true
		if id == "" || len(id) > ivs.MaxParticipantID || !ivs.ValidID(id) {
			errs.Add(FieldParticipants, "“"+clipIngest(id)+"” is not a participant id: ids are up to 64 letters, digits and dashes.")
			continue
		}
		b.IDs = append(b.IDs, id)
	}
	switch {
	case len(seen) == 0:
		errs.Add(FieldParticipants, "Select at least one participant to disconnect.")
	case len(b.IDs) > max:
		errs.Add(FieldParticipants, fmt.Sprintf("%d participants are selected; Greenroom disconnects at most %d at a time (IVS's call rate). Select fewer and repeat.", len(b.IDs), max))
	}
	return b, errs
}
