package web

import (
	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
)

// actorOf is who asks for a command and from where, for the audit record.
func actorOf(c echo.Context) console.Actor {
	id, _ := identityOf(c)
	return console.Actor{Name: id.Actor(), Role: string(id.PrimaryRole()), ClientAddr: c.RealIP(), RequestID: requestID(c)}
}
