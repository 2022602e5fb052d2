package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
)

// target is a webhook. Only url is secret; id (a hash of it) and host are
// what is stored and logged.
type target struct {
	url   string
	id    string
	host  string
	index int           // 1-based position in the configuration
	wake  chan struct{} // Enqueue's nudge to this target's worker
}

// CheckTarget reports whether raw is a usable webhook target: an absolute
// http or https URL with a host. The error never repeats the URL's path or
// query (they often hold the webhook's secret).
func CheckTarget(raw string) error {
	_, err := parseTarget(raw)
	return err
}

// RedactURL is a webhook URL fit for a log or a message: scheme and host,
// and "/…" in place of any path, query or fragment ("" if raw is not a
// URL with a host). User information is dropped too.
func RedactURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	return redacted(u)
}

func redacted(u *url.URL) string {
	s := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		s += "/…"
	}
	return s
}

func parseTarget(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse's error quotes the whole URL: not repeated here.
		return nil, errors.New("is not a URL")
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, errors.New("must be an absolute http or https URL with a host")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, errors.New("(" + redacted(u) + ") must be an http or https URL")
	}
	return u, nil
}

// targetID is the target's opaque id in the outbox: a hash of its URL, so
// the outbox can tell targets apart (and keep them apart across a restart)
// without storing a secret.
func targetID(raw string) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(raw)))
	return "sha256:" + hex.EncodeToString(sum[:16])
}
