package form

import (
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
