package emulator

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Patterns from AWS's service model of IVS Real-Time, API version 2020-07-14
// (see README.md). Smithy patterns are unanchored, but IVS rejects e.g. a
// name with a space, so the emulator matches them whole.
const (
	patName           = `[a-zA-Z0-9-_]*`
	patStageArn       = `arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+`
	patOptStageArn    = `^$|^arn:aws:ivs:[a-z0-9-]+:[0-9]+:stage/[a-zA-Z0-9-]+$`
	patIngestArn      = `arn:aws:ivs:[a-z0-9-]+:[0-9]+:ingest-configuration/[a-zA-Z0-9-]+`
	patSessionID      = `st-[a-zA-Z0-9]+`
	patParticipant    = `[a-zA-Z0-9-]*`
	patTokenID        = `[a-zA-Z0-9-_]*`
	patNextToken      = `[a-zA-Z0-9+/=_-]*`
	patStorageArn     = `^$|^arn:aws:ivs:[a-z0-9-]+:[0-9]+:storage-configuration/[a-zA-Z0-9-]+$`
	patEncoderArn     = `arn:aws:ivs:[a-z0-9-]+:[0-9]+:encoder-configuration/[a-zA-Z0-9-]+`
	patStorageArnReq  = `arn:aws:ivs:[a-z0-9-]+:[0-9]+:storage-configuration/[a-zA-Z0-9-]+`
	patBucket         = `[a-z0-9-.]+`
	patChannelArn     = `arn:aws:ivs:[a-z0-9-]+:[0-9]+:channel/[a-zA-Z0-9-]+`
	patCompositionArn = `arn:aws:ivs:[a-z0-9-]+:[0-9]+:composition/[a-zA-Z0-9-]+`
	patResourceArn    = `arn:aws:ivs:[a-z0-9-]+:[0-9]+:[a-z-]/[a-zA-Z0-9-]+`
	resourceArnFull   = `arn:aws:ivs:[a-z0-9-]+:[0-9]+:[a-z-]+/[a-zA-Z0-9-]+`
)

var (
	reName           = whole(patName)
	reStageArn       = whole(patStageArn)
	reOptStageArn    = whole(patOptStageArn)
	reIngestArn      = whole(patIngestArn)
	reSessionID      = whole(patSessionID)
	reParticipant    = whole(patParticipant)
	reTokenID        = whole(patTokenID)
	reNextToken      = whole(patNextToken)
	reStorageArn     = whole(patStorageArn)
	reEncoderArn     = whole(patEncoderArn)
	reStorageArnReq  = whole(patStorageArnReq)
	reBucket         = whole(patBucket)
	reChannelArn     = whole(patChannelArn)
	reCompositionArn = whole(patCompositionArn)
	// The model's ResourceArn pattern has "[a-z-]/" (one letter), which no
	// real ARN satisfies when matched whole; the intended "[a-z-]+/" is used,
	// while messages quote the model's text.
	reResourceArn = whole(resourceArnFull)
	reAccount     = whole(`[0-9]{12}`)
	reRegion      = whole(`[a-z]{2}(-[a-z]+)+-[0-9]{1,2}`)
)

func whole(p string) *regexp.Regexp { return regexp.MustCompile(`^(?:` + p + `)$`) }

// validator collects constraint violations and reports them in AWS's words:
// "2 validation errors detected: Value 'x' at 'name' failed to satisfy constraint: ...".
type validator struct{ msgs []string }

func (v *validator) add(value any, field, constraint string) {
	shown := "null"
	if value != nil {
		s := fmt.Sprint(value)
		if len(s) > 64 {
			s = s[:61] + "..."
		}
		shown = "'" + s + "'"
	}
	if value == nil {
		v.msgs = append(v.msgs, fmt.Sprintf("Value null at '%s' failed to satisfy constraint: %s", field, constraint))
		return
	}
	v.msgs = append(v.msgs, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: %s", shown, field, constraint))
}

// required checks that a required member is present.
func (v *validator) required(field string, present bool) bool {
	if !present {
		v.add(nil, field, "Member must not be null")
	}
	return present
}

// str checks length (in characters, as the model counts) and an optional pattern.
func (v *validator) str(field, s string, min, max int, re *regexp.Regexp, pattern string) {
	n := utf8.RuneCountInString(s)
	if n < min || (max >= 0 && n > max) {
		if max >= 0 {
			v.add(s, field, fmt.Sprintf("Member must have length between %d and %d, inclusive", min, max))
		} else {
			v.add(s, field, fmt.Sprintf("Member must have length greater than or equal to %d", min))
		}
		return
	}
	if re != nil && !re.MatchString(s) {
		v.add(s, field, "Member must satisfy regular expression pattern: "+pattern)
	}
}

// optStr is str for an optional member.
func (v *validator) optStr(field string, s *string, min, max int, re *regexp.Regexp, pattern string) {
	if s != nil {
		v.str(field, *s, min, max, re, pattern)
	}
}

func (v *validator) intRange(field string, n *int, min, max int) {
	if n != nil && (*n < min || *n > max) {
		if *n < min {
			v.add(*n, field, fmt.Sprintf("Member must have value greater than or equal to %d", min))
		} else {
			v.add(*n, field, fmt.Sprintf("Member must have value less than or equal to %d", max))
		}
	}
}

func (v *validator) floatRange(field string, f *float64, min, max float64) {
	if f != nil && (*f < min || *f > max) {
		if *f < min {
			v.add(*f, field, fmt.Sprintf("Member must have value greater than or equal to %g", min))
		} else {
			v.add(*f, field, fmt.Sprintf("Member must have value less than or equal to %g", max))
		}
	}
}

func (v *validator) enum(field, s string, allowed ...string) {
	for _, a := range allowed {
		if s == a {
			return
		}
	}
	v.add(s, field, "Member must satisfy enum value set: ["+strings.Join(allowed, ", ")+"]")
}

func (v *validator) maxSize(field string, n, max int) {
	if n > max {
		v.add(fmt.Sprintf("%d entries", n), field, fmt.Sprintf("Member must have length less than or equal to %d", max))
	}
}

// tags checks the Tags map rules: at most 50, keys 1-128, values 0-256, no "aws:" prefix.
func (v *validator) tags(field string, tags map[string]string) {
	v.maxSize(field, len(tags), 50)
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		val := tags[k]
		v.str(field+".key", k, 1, 128, nil, "")
		v.str(field+".value", val, 0, 256, nil, "")
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			v.add(k, field+".key", "Member must not begin with the reserved prefix 'aws:'")
		}
	}
}

// attributes checks the 1 KB total of a participant attributes map.
func (v *validator) attributes(field string, attrs map[string]string) {
	total := 0
	for k, val := range attrs {
		total += len(k) + len(val)
	}
	if total > 1024 {
		v.add(fmt.Sprintf("%d bytes", total), field, "Member must have total size less than or equal to 1024 bytes")
	}
}

func (v *validator) maxResults(n *int) { v.intRange("maxResults", n, 1, 100) }

func (v *validator) nextToken(s *string) {
	v.optStr("nextToken", s, 0, 1024, reNextToken, patNextToken)
}

func (v *validator) err() error {
	switch len(v.msgs) {
	case 0:
		return nil
	case 1:
		return validationf("1 validation error detected: %s", v.msgs[0])
	default:
		return validationf("%d validation errors detected: %s", len(v.msgs), strings.Join(v.msgs, "; "))
	}
}

// lookupArn checks a required ARN argument's shape (ValidationException,
// like AWS) and finds what it names (ResourceNotFoundException when
// nothing is there): the first step of every operation on one resource.
func lookupArn[T any](field string, arn *string, re *regexp.Regexp, pattern string, find func(string) *T, what string) (*T, error) {
	var v validator
	if v.required(field, arn != nil) {
		v.str(field, *arn, 1, 128, re, pattern)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	x := find(*arn)
	if x == nil {
		return nil, notFoundf("%s not found: %s", what, *arn)
	}
	return x, nil
}
