// Package form parses and validates what users type into Greenroom's forms
// and query strings, mirroring the IVS API's own rules so that bad input is
// answered next to its field and never sent upstream.
package form

// Errors maps a field name to the message shown next to it.
type Errors map[string]string

// Add records the first message for a field.
func (e Errors) Add(field, msg string) {
	if _, ok := e[field]; !ok {
		e[field] = msg
	}
}

// Any reports whether there is at least one message.
func (e Errors) Any() bool { return len(e) > 0 }
