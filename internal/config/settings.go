package config

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Setting describes one flag and its environment variable.
type Setting struct {
	Flag, Env, Default, Help string
}

// settings binds flags to fields, taking defaults from GREENROOM_* variables
// so that a flag given on the command line still wins.
type settings struct {
	fs     *flag.FlagSet
	getenv func(string) string
	list   []Setting
	errs   []error
}

func newSettings(fs *flag.FlagSet, getenv func(string) string) *settings {
	return &settings{fs: fs, getenv: getenv}
}

// EnvName is the variable that sets a flag: -ivs-call-rate → GREENROOM_IVS_CALL_RATE.
func EnvName(flagName string) string {
	return "GREENROOM_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (s *settings) env(name, def, help string) string {
	s.list = append(s.list, Setting{Flag: "-" + name, Env: EnvName(name), Default: def, Help: help})
	if v, ok := s.lookup(name); ok {
		return v
	}
	return def
}

func (s *settings) lookup(name string) (string, bool) {
	v := s.getenv(EnvName(name))
	return v, v != ""
}

func (s *settings) str(p *string, name, def, help string) {
	s.fs.StringVar(p, name, s.env(name, def, help), help)
}

func (s *settings) strv(name, def, help string) *string {
	return s.fs.String(name, s.env(name, def, help), help)
}

func (s *settings) boolean(p *bool, name string, def bool, help string) {
	v := s.env(name, strconv.FormatBool(def), help)
	b, err := strconv.ParseBool(v)
	if err != nil {
		s.errs = append(s.errs, fmt.Errorf("%s: %q is not true or false", EnvName(name), v))
	}
	s.fs.BoolVar(p, name, b, help)
}

func (s *settings) float(p *float64, name string, def float64, help string) {
	v := s.env(name, strconv.FormatFloat(def, 'f', -1, 64), help)
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		s.errs = append(s.errs, fmt.Errorf("%s: %q is not a number", EnvName(name), v))
	}
	s.fs.Float64Var(p, name, f, help)
}

func (s *settings) integer(p *int, name string, def int, help string) {
	v := s.env(name, strconv.Itoa(def), help)
	n, err := strconv.Atoi(v)
	if err != nil {
		s.errs = append(s.errs, fmt.Errorf("%s: %q is not a whole number", EnvName(name), v))
	}
	s.fs.IntVar(p, name, n, help)
}

func (s *settings) dur(p *time.Duration, name string, def time.Duration, help string) {
	v := s.env(name, def.String(), help)
	d, err := time.ParseDuration(v)
	if err != nil {
		s.errs = append(s.errs, fmt.Errorf("%s: %q is not a duration like 30s or 5m", EnvName(name), v))
	}
	s.fs.DurationVar(p, name, d, help)
}

// strs is a repeatable flag; its variable holds the values separated by
// spaces or commas. Values given as flags replace the variable's.
func (s *settings) strs(p *[]string, name, help string) {
	if v := s.env(name, "", help); v != "" {
		*p = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
	}
	fromFlags := false
	s.fs.Func(name, help+" (repeat the flag for more)", func(v string) error {
		if !fromFlags {
			*p, fromFlags = nil, true
		}
		*p = append(*p, v)
		return nil
	})
}

func (s *settings) err() error {
	if len(s.errs) > 0 {
		return s.errs[0]
	}
	return nil
}

func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// decodeKey accepts a hex or base64 key of at least 32 bytes. A key that is
// one byte repeated (all zeros, "aaaa…") is refused, not warned about: it is
// a placeholder left in a config file, and whoever guesses it can forge
// every session and its CSRF token. The error never quotes the key.
func decodeKey(k string) ([]byte, error) {
	b, err := decodeKeyBytes(k)
	if err != nil {
		return nil, err
	}
	if bytes.Count(b, b[:1]) == len(b) {
		return nil, fmt.Errorf("a key is one byte repeated (like all zeros), a placeholder rather than a secret (make one with: openssl rand -hex 32)")
	}
	return b, nil
}

func decodeKeyBytes(k string) ([]byte, error) {
	if b, err := hex.DecodeString(k); err == nil && len(b) >= 32 {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(k); err == nil && len(b) >= 32 {
			return b, nil
		}
	}
	return nil, fmt.Errorf("a key is not 32 or more bytes of hex or base64 (make one with: openssl rand -hex 32)")
}

// WriteReference prints the configuration reference as a Markdown table.
func WriteReference(w io.Writer) error {
	_, err := fmt.Fprint(w, ReferenceMarkdown())
	return err
}

// ReferenceMarkdown renders every setting as a Markdown table.
func ReferenceMarkdown() string {
	var b strings.Builder
	b.WriteString("| flag | environment variable | default | meaning |\n| --- | --- | --- | --- |\n")
	for _, s := range Reference() {
		def := s.Default
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | `%s` | %s |\n", s.Flag, s.Env, def, strings.ReplaceAll(s.Help, "|", "\\|"))
	}
	return b.String()
}
