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
// its empty fields). The error is a sentence for the user.
func ParseParticipantFilter(q url.Values) (ParticipantFilter, error) {
	var f ParticipantFilter
	for _, k := range []string{ParamState, ParamPublished, ParamUserID, ParamRecordingState, ParamNext} {
		if len(q[k]) > 1 {
			return f, errors.New("The address names “" + k + "” more than once: give it once.")
		}
	}
	n := 0
	if s := q.Get(ParamState); s != "" {
		n++
		if !slices.Contains(ParticipantStates, s) {
			return f, errors.New("“" + clipValue(s) + "” is not a participant state: use CONNECTED or DISCONNECTED.")
		}
		f.State = s
	}
	if s := q.Get(ParamPublished); s != "" {
		n++
		if s != "true" {
			return f, errors.New("The published filter can only be “true”: IVS can list the participants who published, but not those who never did.")
		}
		f.PublishedOnly = true
	}
	if s := q.Get(ParamUserID); s != "" {
		n++
		if err := checkFilterUserID(s); err != nil {
			return f, err
		}
		f.UserID = s
	}
	if s := q.Get(ParamRecordingState); s != "" {
		n++
		if !slices.Contains(ivs.RecordingStates, s) {
			msg := "“" + clipValue(s) + "” is not a recording state the list can filter on: use one of " + strings.Join(ivs.RecordingStates, ", ") + "."
			if s == "DISABLED" {
				msg = "IVS cannot filter participants whose recording is DISABLED: use one of " + strings.Join(ivs.RecordingStates, ", ") + "."
			}
			return f, errors.New(msg)
		}
		f.RecordingState = s
	}
	if n > 1 {
		return f, ErrTwoFilters
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
		return "", errors.New("The page token in the address is damaged: start again from the first page.")
	}
	return t, nil
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
