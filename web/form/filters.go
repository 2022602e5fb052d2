package form

import (
	"errors"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Participant list filters as the URL spells them. The names are part of the
// shareable URL scheme: keep them stable.
const (
	ParamState          = "state"
	ParamPublished      = "published"
	ParamUserID         = "userId"
	ParamRecordingState = "recordingState"
	ParamNext           = "next"
)

// ParamBy is the filter bar's choice of filter ("" for none). It is not
// part of the shareable scheme: FilterBarQuery turns a submission that
// carries it into the canonical address of the one filter it names.
const ParamBy = "by"

// FilterParams are the participant list's filters, as the URL spells them.
var FilterParams = []string{ParamState, ParamPublished, ParamUserID, ParamRecordingState}

// ParamError is a sentence about what is wrong with some parameters of an
// address (Params), so that the answer can offer the same view without them.
type ParamError struct {
	Params []string
	Err    error
}

func (e *ParamError) Error() string { return e.Err.Error() }
func (e *ParamError) Unwrap() error { return e.Err }

func paramError(msg string, params ...string) *ParamError {
	return &ParamError{Params: params, Err: errors.New(msg)}
}

// ParticipantStates are the values of the state filter.
var ParticipantStates = []string{ivs.ParticipantConnected, ivs.ParticipantDisconnected}

var pageTokenPattern = regexp.MustCompile(`^[a-zA-Z0-9+/=_-]*$`)

// ParticipantFilter is the one filter a participant list may use (IVS takes
// at most one per request), plus the page token.
type ParticipantFilter struct {
	State          string
	PublishedOnly  bool
	UserID         string
	RecordingState string
	Next           string
}

// Kind names the filter in use ("" when none): state, published, userId or
// recordingState, as in the URL.
func (f ParticipantFilter) Kind() string {
	switch {
	case f.State != "":
		return ParamState
	case f.PublishedOnly:
		return ParamPublished
	case f.UserID != "":
		return ParamUserID
	case f.RecordingState != "":
		return ParamRecordingState
	}
	return ""
}

// Query returns the filter as a canonical query string without the page
// token ("state=CONNECTED", "" without a filter). Every viewer of the same
// view gets the same string, so their requests coalesce upstream.
func (f ParticipantFilter) Query() string {
	v := url.Values{}
	switch f.Kind() {
	case ParamState:
		v.Set(ParamState, f.State)
	case ParamPublished:
		v.Set(ParamPublished, "true")
	case ParamUserID:
		v.Set(ParamUserID, f.UserID)
	case ParamRecordingState:
		v.Set(ParamRecordingState, f.RecordingState)
	}
	return v.Encode()
}

// Apply copies the filter and page token into an IVS query.
func (f ParticipantFilter) Apply(q *ivs.ParticipantQuery) {
	q.State, q.PublishedOnly, q.UserID, q.RecordingState = f.State, f.PublishedOnly, f.UserID, f.RecordingState
	q.NextToken = f.Next
}

// ErrTwoFilters is the one-filter rule of the API, in words.
var ErrTwoFilters = errors.New("IVS lists a session's participants with one filter at a time (state, published, user id or recording state), so Greenroom does too: choosing a filter replaces the other. Remove all but one from the address.")

// ParseParticipantFilter reads and validates the filter and page token of a
// participant list. An empty parameter counts as absent (a plain form sends
// its empty fields). The error is a sentence for the user, a *ParamError
// naming the parameters at fault.
func ParseParticipantFilter(q url.Values) (ParticipantFilter, error) {
	var f ParticipantFilter
	for _, k := range append(slices.Clone(FilterParams), ParamNext) {
		if len(q[k]) > 1 {
			return f, paramError("The address names “"+k+"” more than once: give it once.", k)
		}
	}
	var given []string
	if s := q.Get(ParamState); s != "" {
		given = append(given, ParamState)
		if !slices.Contains(ParticipantStates, s) {
			return f, paramError("“"+clipValue(s)+"” is not a participant state: use CONNECTED or DISCONNECTED.", ParamState)
		}
		f.State = s
	}
	if s := q.Get(ParamPublished); s != "" {
		given = append(given, ParamPublished)
		if s != "true" {
			return f, paramError("The published filter can only be “true”: IVS can list the participants who published, but not those who never did.", ParamPublished)
		}
		f.PublishedOnly = true
	}
	if s := q.Get(ParamUserID); s != "" {
		given = append(given, ParamUserID)
		if err := checkFilterUserID(s); err != nil {
			return f, &ParamError{Params: []string{ParamUserID}, Err: err}
		}
		f.UserID = s
	}
	if s := q.Get(ParamRecordingState); s != "" {
		given = append(given, ParamRecordingState)
		if !slices.Contains(ivs.RecordingStates, s) {
			msg := "“" + clipValue(s) + "” is not a recording state the list can filter on: use one of " + strings.Join(ivs.RecordingStates, ", ") + "."
			if s == "DISABLED" {
				msg = "IVS cannot filter participants whose recording is DISABLED: use one of " + strings.Join(ivs.RecordingStates, ", ") + "."
			}
			return f, paramError(msg, ParamRecordingState)
		}
		f.RecordingState = s
	}
	if len(given) > 1 {
		return f, &ParamError{Params: given, Err: ErrTwoFilters}
	}
	next, err := ParseNextToken(q.Get(ParamNext))
	if err != nil {
		return f, err
	}
	f.Next = next
	return f, nil
}

func checkFilterUserID(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("The user id is not valid text.")
	}
	if utf8.RuneCountInString(s) > ivs.MaxUserIDLen {
		return errors.New("The user id is longer than " + strconv.Itoa(ivs.MaxUserIDLen) + " characters, the most IVS allows.")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return errors.New("The user id contains a control character.")
		}
	}
	return nil
}

// ParseNextToken checks an opaque page token from IVS for shape (the API's
// pattern and length); IVS itself rejects a forged one.
func ParseNextToken(t string) (string, error) {
	if len(t) > ivs.MaxNextTokenLen || !pageTokenPattern.MatchString(t) {
		return "", paramError("The page token in the address is damaged: start again from the first page.", ParamNext)
	}
	return t, nil
}

// FilterBarQuery reads a submission of the session page's filter bar: by=
// names the one filter to apply and the other fields are ignored, so a
// plain form can send them all. It returns the canonical query string of
// that filter ("" for none; the list starts again at its first page), and
// has is false when q carries no by= (an address in the shareable scheme).
func FilterBarQuery(q url.Values) (query string, has bool, err error) {
	if !q.Has(ParamBy) {
		return "", false, nil
	}
	if len(q[ParamBy]) > 1 {
		return "", true, paramError("The address names “"+ParamBy+"” more than once: give it once.", ParamBy)
	}
	by := q.Get(ParamBy)
	one := url.Values{}
	switch by {
	case "":
	case ParamPublished:
		one.Set(ParamPublished, "true")
	case ParamState, ParamUserID, ParamRecordingState:
		if len(q[by]) > 1 {
			return "", true, paramError("The address names “"+by+"” more than once: give it once.", by)
		}
		one.Set(by, q.Get(by))
	default:
		return "", true, paramError("“"+clipValue(by)+"” is not a filter: filter by state, published, userId or recordingState.", ParamBy)
	}
	f, err := ParseParticipantFilter(one)
	if err != nil {
		return "", true, err
	}
	return f.Query(), true, nil
}

// clipValue shortens a user's value for an error message.
func clipValue(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	if !utf8.ValidString(s) {
		return "?"
	}
	return s
}
