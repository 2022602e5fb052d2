package form

import (
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Disconnect is the form that disconnects a participant.
type Disconnect struct {
	Reason string
}

// ParseDisconnect reads the disconnect form. A reason is required (it goes
// to the participant and to the audit log) and IVS takes at most 128
// characters of it.
func ParseDisconnect(v url.Values) (Disconnect, Errors) {
	d := Disconnect{Reason: strings.TrimSpace(v.Get("reason"))}
	errs := Errors{}
	switch {
	case d.Reason == "":
		errs.Add("reason", "Say why: the reason is sent to the participant and kept in the audit log.")
	case !utf8.ValidString(d.Reason):
		errs.Add("reason", "The reason is not valid text.")
	case utf8.RuneCountInString(d.Reason) > ivs.MaxReasonLen:
		errs.Add("reason", "IVS takes at most "+strconv.Itoa(ivs.MaxReasonLen)+" characters; this reason has "+strconv.Itoa(utf8.RuneCountInString(d.Reason))+".")
	default:
		for _, r := range d.Reason {
			if unicode.IsControl(r) {
				errs.Add("reason", "The reason contains a control character: use one line of plain text.")
				break
			}
		}
	}
	return d, errs
}
