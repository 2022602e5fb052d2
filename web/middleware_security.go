package web

import (
	"github.com/labstack/echo/v4"
)

// contentSecurityPolicy allows only our own scripts and styles: no inline
// script, no eval, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func securityHeaders(h *handler) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			hdr := c.Response().Header()
			hdr.Set("Content-Security-Policy", contentSecurityPolicy)
			hdr.Set("X-Content-Type-Options", "nosniff")
			hdr.Set("X-Frame-Options", "DENY")
			hdr.Set("Referrer-Policy", "same-origin")
			hdr.Set("Cross-Origin-Opener-Policy", "same-origin")
			hdr.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
			if h.secureRequest(c) {
				hdr.Set("Strict-Transport-Security", "max-age=31536000")
			}
			return next(c)
		}
	}
}

// secureRequest reports whether the browser reached us over TLS, directly or
// through a trusted TLS-terminating proxy.
func (h *handler) secureRequest(c echo.Context) bool {
	switch h.SecureCookies {
	case "always":
		return true
	case "never":
		return false
	}
	r := c.Request()
	if r.TLS != nil {
		return true
	}
	return r.Header.Get("X-Forwarded-Proto") == "https" && h.trustedPeer(r)
}
