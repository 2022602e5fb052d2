package web

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

// identify establishes who is asking. Without a believable identity the
// request stops here with 401: there is never a default user.
func identify(h *handler) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id, err := h.Auth.Authenticate(c.Request())
			if err != nil {
				if errors.Is(err, auth.ErrInvalidAssertion) {
					h.Logger.Warn("rejected identity assertion", slog.String("request_id", requestID(c)), slog.String("reason", err.Error()), slog.String("peer", c.Request().RemoteAddr))
				}
				return errUnauthorized
			}
			c.Set(ctxIdentity, id)
			return next(c)
		}
	}
}

// requireRole refuses, with 403, identities that lack the role.
func requireRole(role auth.Role) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			id, ok := identityOf(c)
			if !ok {
				return errUnauthorized
			}
			if !id.Has(role) {
				return &pageError{Status: http.StatusForbidden, Title: "Not allowed",
					Message: "Your role does not allow this: it needs the " + string(role) + " role. Ask an administrator to add you to a group that grants it."}
			}
			return next(c)
		}
	}
}
