package web

import (
	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
)

// actorOf is who asks for a command and from where, for the audit record.
func actorOf(c echo.Context) console.Actor {
	id, _ := identityOf(c)
	// The client address is the TCP peer, or X-Forwarded-For from
	// -trusted-proxies only (the Echo IP extractor); a proxy's request id
	// is recorded beside ours.
	return console.Actor{Name: id.Actor(), Role: string(id.PrimaryRole()), ClientAddr: c.RealIP(), RequestID: auditRequestID(c)}
}
