package ivs

import (
	"regexp"
	"sort"
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

// HygieneFlag is a warning about how a configuration is set up.
type HygieneFlag struct {
	Kind string // no-stage | rtmp | personal
	Text string // a short label
	Why  string // the reason, in a sentence
}

// Hygiene lists what is worth fixing in a configuration: no stage, plain
// RTMP, personal data where every participant sees it. Summaries from a
// list carry no attributes, so for them only the user id is checked.
func (c IngestConfiguration) Hygiene() []HygieneFlag {
	var out []HygieneFlag
	if c.StageARN == "" {
		out = append(out, HygieneFlag{Kind: "no-stage", Text: "No stage", Why: "No stage is attached, so its stream key cannot be used until one is."})
	}
	if c.Protocol == ProtocolRTMP {
		out = append(out, HygieneFlag{Kind: "rtmp", Text: "Plain RTMP", Why: "RTMP is unencrypted: the video and the stream key can be read on the network path. Prefer RTMPS."})
	}
	if ok, what := LooksPersonal(c.UserID); ok {
		out = append(out, HygieneFlag{Kind: "personal", Text: "Personal data?", Why: "The user id looks like " + what + ". Every participant of the stage can see it."})
	}
	keys := make([]string, 0, len(c.Attributes))
	for k := range c.Attributes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if ok, what := LooksPersonal(k + " " + c.Attributes[k]); ok {
			out = append(out, HygieneFlag{Kind: "personal", Text: "Personal data?", Why: "The attribute “" + k + "” looks like " + what + ". Every participant of the stage can see it."})
			break
		}
	}
	return out
}
