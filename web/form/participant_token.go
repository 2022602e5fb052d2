package form

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Field names of the participant token form (user_id and attributes as on
// the ingest forms).
const (
	FieldCapabilities = "capabilities"
	FieldDuration     = "duration"
)

// TokenForm is the participant token form as the user typed it.
type TokenForm struct {
	UserID     string
	Attributes []KV
	Publish    bool
	Subscribe  bool
	Duration   string // minutes, as typed
	minutes    int32
}

// NewTokenForm is the empty form: both capabilities and IVS's default
// duration (12 hours).
func NewTokenForm() TokenForm {
	return TokenForm{Publish: true, Subscribe: true, Duration: strconv.Itoa(ivs.DefaultTokenDuration)}
}

// ParseTokenForm reads the form: capabilities are checkboxes named
// "capability" with the API's values.
func ParseTokenForm(v url.Values) TokenForm {
	f := TokenForm{UserID: v.Get(FieldUserID), Duration: strings.TrimSpace(v.Get(FieldDuration))}
	f.Attributes = ingestRows(v["attr_key"], v["attr_value"], false)
	for _, c := range v["capability"] {
		switch strings.ToUpper(strings.TrimSpace(c)) {
		case ivs.CapabilityPublish:
			f.Publish = true
		case ivs.CapabilitySubscribe:
			f.Subscribe = true
		}
	}
	return f
}

// Validate checks the form against CreateParticipantToken's rules.
func (f *TokenForm) Validate() Errors {
	errs := Errors{}
	checkIngestUserID(errs, f.UserID)
	checkIngestAttributes(errs, f.Attributes)
	if !f.Publish && !f.Subscribe {
		errs.Add(FieldCapabilities, "Choose what the participant may do: publish, subscribe, or both.")
	}
	n, err := strconv.Atoi(f.Duration)
	switch {
	case f.Duration == "":
		errs.Add(FieldDuration, fmt.Sprintf("Say how long the token lasts, in minutes (IVS's default is %d: 12 hours).", ivs.DefaultTokenDuration))
	case err != nil:
		errs.Add(FieldDuration, "The duration is a whole number of minutes.")
	case n < ivs.MinTokenDuration || n > ivs.MaxTokenDuration:
		errs.Add(FieldDuration, fmt.Sprintf("IVS takes %d to %d minutes (14 days); this is %d.", ivs.MinTokenDuration, ivs.MaxTokenDuration, n))
	default:
		f.minutes = int32(n)
	}
	return errs
}

// Input is what the form asks IVS for (the stage is set by the caller).
// Call it after Validate.
func (f TokenForm) Input() ivs.CreateTokenInput {
	in := ivs.CreateTokenInput{UserID: f.UserID, Attributes: Map(f.Attributes), DurationMinutes: f.minutes}
	if f.Publish {
		in.Capabilities = append(in.Capabilities, ivs.CapabilityPublish)
	}
	if f.Subscribe {
		in.Capabilities = append(in.Capabilities, ivs.CapabilitySubscribe)
	}
	return in
}

// TokenAPIField maps the field an IVS validation error names (or its
// message) to the token form's field.
func TokenAPIField(apiField, message string) string {
	switch {
	case apiField == "userId":
		return FieldUserID
	case apiField == "attributes":
		return FieldAttributes
	case strings.Contains(message, "capabilities"):
		return FieldCapabilities
	case strings.Contains(message, "'duration'"):
		return FieldDuration
	}
	return ""
}
