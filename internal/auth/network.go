package auth

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// IsLoopbackListenAddr reports whether a listen address (host:port) binds
// only loopback: 127.0.0.0/8, ::1 or "localhost". An empty host (":8080")
// binds every interface and is not loopback.
func IsLoopbackListenAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	return isLoopbackHost(host)
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// peerAddr is the TCP peer of r. It deliberately ignores X-Forwarded-For and
// similar headers, which any client can set.
func peerAddr(r *http.Request) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	return ap.Addr().Unmap(), true
}

// trusted reports whether r's TCP peer is inside one of nets.
func trusted(r *http.Request, nets []netip.Prefix) bool {
	a, ok := peerAddr(r)
	if !ok {
		return false
	}
	for _, p := range nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
