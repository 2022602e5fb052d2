package form

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

var ingestRotationSuffix = regexp.MustCompile(`^(.*)-r([0-9]{1,6})$`)

// RotatedName is the name of a rotation's replacement: "feed" becomes
// "feed-r2", "feed-r2" becomes "feed-r3". The base is shortened so the name
// stays within the API's 128 characters; an unnamed configuration is named
// after its id.
func RotatedName(name, id string) string {
	base, n := name, 2
	if m := ingestRotationSuffix.FindStringSubmatch(name); m != nil {
		base = m[1]
		if k, err := strconv.Atoi(m[2]); err == nil {
			n = k + 1
		}
	}
	if base == "" {
		base = id
	}
	suffix := "-r" + strconv.Itoa(n)
	if len(base)+len(suffix) > ivs.MaxIngestNameLen {
		base = base[:ivs.MaxIngestNameLen-len(suffix)]
	}
	base = strings.TrimRight(base, "-")
	return base + suffix
}

// Fields of a rotation's last step.
const (
	FieldConfirm = "confirm"
	FieldForce   = "force"
	FieldAnyway  = "anyway"
)

// RotateFinishForm is the confirmation of a rotation's last step: the
// confirmation page sends Confirmed; Force disconnects a publisher still on
// the old key; Anyway deletes although nothing publishes with the new one.
type RotateFinishForm struct{ Confirmed, Force, Anyway bool }

// ParseRotateFinishForm reads the confirmation.
func ParseRotateFinishForm(v url.Values) RotateFinishForm {
	return RotateFinishForm{Confirmed: ingestChecked(v.Get(FieldConfirm)), Force: ingestChecked(v.Get(FieldForce)), Anyway: ingestChecked(v.Get(FieldAnyway))}
}
