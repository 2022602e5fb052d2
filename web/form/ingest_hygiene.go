package form

import (
	"regexp"
	"strings"
)

var (
	ingestEmailShape = regexp.MustCompile(`[^\s@<>()]+@[^\s@<>()]+\.[A-Za-z]{2,}`)
	// A phone number: an optional +, then at least 8 digits with the usual
	// separators between them.
	ingestPhoneShape = regexp.MustCompile(`\+?\(?\d[\d\s().-]{6,}\d`)
	ingestDateShape  = regexp.MustCompile(`^\d{4}[-./]\d{2}[-./]\d{2}$`)
)

// LooksPersonal reports whether s looks like personal data (an e-mail
// address or a phone number), and which. User ids and attributes are shown
// to every participant of the stage, so they should hold neither.
func LooksPersonal(s string) (bool, string) {
	if ingestEmailShape.MatchString(s) {
		return true, "an e-mail address"
	}
	for _, m := range ingestPhoneShape.FindAllString(s, -1) {
		digits := 0
		for _, r := range m {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		// Long digit runs without separators are usually ids, not phones,
		// unless they start with +.
		if ingestDateShape.MatchString(m) || digits > 15 {
			continue
		}
		if strings.HasPrefix(m, "+") && digits >= 8 || digits >= 9 && strings.ContainsAny(m, " -.()") {
			return true, "a phone number"
		}
	}
	return false, ""
}
