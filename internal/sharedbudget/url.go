package sharedbudget

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// redacted stands for a password (as in net/url's URL.Redacted).
const redacted = "xxxxx"

// ParseURL parses a Redis URL (redis://[user[:password]@]host[:port][/db],
// rediss:// for TLS, unix://; go-redis's query options are accepted) into
// client options fit for a budget: client calls obey their context's
// deadline (the Budget's CallTimeout), and a failed call or dial is not
// retried unless the URL asks for it (max_retries, dialer_retries), since
// the Budget falls back at once instead. Errors never contain the password.
func ParseURL(rawURL string) (*redis.Options, error) {
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("sharedbudget: invalid Redis URL %s: %s", Redact(rawURL), scrub(err.Error(), rawURL))
	}
	o.ContextTimeoutEnabled = true
	if o.MaxRetries == 0 {
		o.MaxRetries = -1
	}
	if o.DialerRetries == 0 {
		o.DialerRetries = 1
	}
	if o.DialTimeout == 0 {
		o.DialTimeout = time.Second
	}
	return o, nil
}

// NewClient is a Redis client for budgets (see ParseURL); it connects on
// first use. Pools share one client.
func NewClient(rawURL string) (*redis.Client, error) {
	o, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	return redis.NewClient(o), nil
}

// Redact is rawURL with its password (and any password query parameter)
// replaced by "xxxxx", fit for logs and pages. A URL that does not parse
// loses everything before its last '@'.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Opaque != "" { // "user:pass@host" parses as scheme "user"
		if i := strings.LastIndex(rawURL, "@"); i >= 0 {
			scheme, _, ok := strings.Cut(rawURL, "://")
			if ok && !strings.Contains(scheme, "@") {
				return scheme + "://" + redacted + rawURL[i:]
			}
			return redacted + rawURL[i:]
		}
		return rawURL
	}
	if u.RawQuery != "" {
		q := u.Query()
		changed := false
		for k := range q {
			if strings.Contains(strings.ToLower(k), "pass") {
				q[k] = []string{redacted}
				changed = true
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	return u.Redacted()
}

// scrub removes from msg the URL and what could be its password, in plain
// and quoted forms: url.Parse quotes the whole URL in its errors.
func scrub(msg, rawURL string) string {
	secrets := []string{rawURL}
	if _, rest, ok := strings.Cut(rawURL, "://"); ok {
		rawURL = rest
	}
	if i := strings.LastIndex(rawURL, "@"); i >= 0 {
		if _, pass, ok := strings.Cut(rawURL[:i], ":"); ok && pass != "" {
			secrets = append(secrets, rawURL[:i], pass)
			if p, err := url.PathUnescape(pass); err == nil && p != "" {
				secrets = append(secrets, p)
			}
		}
	}
	for _, s := range secrets {
		q := strconv.Quote(s)
		msg = strings.ReplaceAll(msg, q[1:len(q)-1], redacted)
		msg = strings.ReplaceAll(msg, s, redacted)
	}
	return msg
}
