package auth

import (
	"fmt"
	"strings"
)

// Limits on what a proxy may assert; anything bigger is malformed, not a
// reason to allocate.
const (
	maxValueLen  = 512      // user, email, name
	maxGroupsLen = 32 << 10 // whole groups header
	maxGroups    = 512
)

// SplitGroups splits a separated list of groups, trimming each item and
// dropping empty ones. At most 512 groups are kept.
func SplitGroups(s, sep string) []string {
	if s == "" || sep == "" {
		return nil
	}
	var out []string
	for g := range strings.SplitSeq(s, sep) {
		if g = strings.TrimSpace(g); g != "" {
			out = append(out, g)
			if len(out) == maxGroups {
				break
			}
		}
	}
	return out
}

// cleanValue trims v and rejects control characters and oversize values,
// which no honest proxy sends and which would end up in logs and pages.
func cleanValue(what, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	if len(v) > max {
		return "", fmt.Errorf("%w: %s longer than %d bytes", ErrInvalidAssertion, what, max)
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c == 0x7f {
			return "", fmt.Errorf("%w: %s contains control characters", ErrInvalidAssertion, what)
		}
	}
	return v, nil
}

// groupsFromClaim reads a groups claim that is either an array of strings
// or a single separated string. Other shapes yield no groups.
func groupsFromClaim(v any, sep string) []string {
	switch t := v.(type) {
	case string:
		return SplitGroups(t, sep)
	case []any:
		var out []string
		for _, e := range t {
			if s, ok := e.(string); ok {
				if s = strings.TrimSpace(s); s != "" {
					out = append(out, s)
					if len(out) == maxGroups {
						break
					}
				}
			}
		}
		return out
	}
	return nil
}

// lookupClaim finds name in claims, first as a literal key, then as a dotted
// path into nested objects ("custom.groups").
func lookupClaim(claims map[string]any, name string) (any, bool) {
	if v, ok := claims[name]; ok {
		return v, true
	}
	cur := claims
	parts := strings.Split(name, ".")
	for i, p := range parts {
		v, ok := cur[p]
		if !ok {
			return nil, false
		}
		if i == len(parts)-1 {
			return v, true
		}
		if cur, ok = v.(map[string]any); !ok {
			return nil, false
		}
	}
	return nil, false
}
