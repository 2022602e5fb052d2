package web

import (
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// checkHost, in dev mode only, answers nothing but requests addressed to
// the loopback listener: 127.0.0.1 (any 127/8 address), [::1] or localhost,
// on the port the console listens on. Dev mode makes every request the
// admin; without this a web page could rebind its own host name to
// 127.0.0.1 (DNS rebinding) and read and post to the console as same-origin.
// A browser always sends the host name it resolved, so a rebound request
// names the attacker's host and is refused here, on every route.
func checkHost(h *handler) echo.MiddlewareFunc {
	_, port, _ := net.SplitHostPort(h.DevListenAddr)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if h.DevListenAddr == "" {
			return next
		}
		return func(c echo.Context) error {
			if !loopbackHost(c.Request().Host, port) {
				return &pageError{Status: http.StatusMisdirectedRequest, Title: "Wrong address",
					Message: "In dev mode Greenroom answers only at http://127.0.0.1:" + port + " or http://localhost:" + port + ". Open it at that address."}
			}
			return next(c)
		}
	}
}

// loopbackHost reports whether a Host header names a loopback host on port
// (the port may be left out only when it is 80, as browsers do).
func loopbackHost(hostport, port string) bool {
	host, p, err := net.SplitHostPort(hostport)
	if err != nil {
		host, p = strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]"), "80"
	}
	if p != port {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Zone() == "" && a.Unmap().IsLoopback()
}

// checkOrigin refuses state-changing requests (anything but GET, HEAD,
// OPTIONS) sent by a page of another site, in every auth mode, before any
// identity or form is looked at. The console's own origin is -public-url
// when set, else the request's scheme and host as established by trusted
// proxies (TLS or X-Forwarded-Proto; X-Forwarded-Host or Host).
//
//   - Origin present: it must be the console's origin ("null" is not).
//   - No Origin, Sec-Fetch-Site present: it must be same-origin (or none,
//     a navigation the user made).
//   - Neither: allowed, on the CSRF token alone. Browsers of the last
//     decade send Origin on every cross-origin POST (and Sec-Fetch-Site on
//     every request), so a request without both comes from a script, curl
//     or a very old client, which a page on another site cannot make send
//     our cookies and token. The token, bound to the session and the
//     identity, is still required.
func checkOrigin(h *handler) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				return next(c)
			}
			origins := r.Header.Values("Origin")
			site := r.Header.Get("Sec-Fetch-Site")
			ok := true
			switch {
			case len(origins) > 1:
				ok = false
			case len(origins) == 1:
				ok = normalOrigin(origins[0]) != "" && normalOrigin(origins[0]) == h.ownOrigin(c)
			case site != "":
				ok = site == "same-origin" || site == "none"
			}
			if !ok {
				h.Logger.Warn("cross-origin request refused", slog.String("request_id", requestID(c)),
					slog.String("origin", clipForLog(strings.Join(origins, ","), 120)), slog.String("sec_fetch_site", clipForLog(site, 40)),
					slog.String("expected", h.ownOrigin(c)), slog.String("path", r.URL.Path))
				return &pageError{Status: http.StatusForbidden, Title: "Refused: sent from another site",
					Message: "Nothing was changed. This request did not come from a Greenroom page. Open Greenroom at its usual address and try again."}
			}
			return next(c)
		}
	}
}

// ownOrigin is the console's origin for this request.
func (h *handler) ownOrigin(c echo.Context) string {
	if h.PublicOrigin != "" {
		return h.PublicOrigin
	}
	scheme := "http"
	if h.secureRequest(c) {
		scheme = "https"
	}
	return normalOrigin(scheme + "://" + h.forwardedHost(c.Request()))
}

// normalOrigin is an origin in one spelling: lower-case scheme and host,
// default port left out; "" when s is not an http(s) origin.
func normalOrigin(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return ""
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port == "" || (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		return u.Scheme + "://" + host
	}
	return u.Scheme + "://" + host + ":" + port
}

// clip bounds text a client chose before it goes into a log line.
func clipForLog(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
