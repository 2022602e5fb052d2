package web

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"net/netip"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
)

// Forwarding headers (X-Forwarded-For, -Proto, -Host, X-Request-Id) are
// believed only from a TCP peer inside Deps.TrustedProxies: any client can
// send them, and the audit log must record who asked, not who they say
// they are.

// trustedPeer reports whether r's TCP peer (never a header) is one of the
// trusted proxies.
func (h *handler) trustedPeer(r *http.Request) bool {
	if len(h.TrustedProxies) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	a := ap.Addr().Unmap()
	for _, p := range h.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ipExtractor is Echo's IPExtractor, so c.RealIP() is right everywhere:
// the TCP peer, unless the peer is a trusted proxy, in which case
// X-Forwarded-For is read from the right and the first address that is not
// a trusted proxy is the client (entries left of it were written by the
// client and prove nothing). Echo's default trust of loopback and private
// ranges is switched off: only -trusted-proxies counts.
func (h *handler) ipExtractor() echo.IPExtractor {
	direct := echo.ExtractIPDirect()
	if len(h.TrustedProxies) == 0 {
		return direct
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range h.TrustedProxies {
		_, n, err := net.ParseCIDR(p.Masked().String())
		if err == nil {
			opts = append(opts, echo.TrustIPRange(n))
		}
	}
	xff := echo.ExtractIPFromXFFHeader(opts...)
	return func(r *http.Request) string {
		if !h.trustedPeer(r) {
			return direct(r) // not even parsed: it is the client's text
		}
		return xff(r)
	}
}

// forwardedHost is the host the browser asked for: X-Forwarded-Host from a
// trusted proxy (the value it appended last), else the Host header.
func (h *handler) forwardedHost(r *http.Request) string {
	if h.trustedPeer(r) {
		if v := r.Header.Values("X-Forwarded-Host"); len(v) > 0 {
			last := v[len(v)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if last = strings.TrimSpace(last); last != "" {
				return last
			}
		}
	}
	return r.Host
}

// upstreamIDRE is what an upstream request id may look like to be kept:
// short, and nothing a log or CSV reader could trip on.
var upstreamIDRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestIDs gives every request an id of our own (the X-Request-Id response
// header, the request_id log field, the audit record's request id). An
// incoming X-Request-Id is never used instead of it: from a trusted proxy,
// when it is a single short, well-formed value, it is kept beside ours
// (log field upstream_request_id, audit "ours (proxy: theirs)") so the two
// logs can be joined; otherwise it is ignored, neither logged nor echoed.
func requestIDs(h *handler) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set(echo.HeaderXRequestID, newRequestID())
			r := c.Request()
			if v := r.Header.Values(echo.HeaderXRequestID); len(v) == 1 && upstreamIDRE.MatchString(v[0]) && h.trustedPeer(r) {
				c.Set(ctxUpstreamRequestID, v[0])
			}
			return next(c)
		}
	}
}

func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
