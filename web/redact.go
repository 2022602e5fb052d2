package web

import "regexp"

var streamKeyShape = regexp.MustCompile(`rt_[0-9]+_[a-z0-9-]+_[A-Za-z0-9]+_[A-Za-z0-9]+`)

// redact masks anything shaped like a stream key (belt and braces: keys are
// typed ivs.StreamKey and mask themselves, but error texts come from outside).
func redact(s string) string { return streamKeyShape.ReplaceAllString(s, "[stream key]") }
