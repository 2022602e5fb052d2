package web

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// healthz says the process serves HTTP.
func (h *handler) healthz(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.String(http.StatusOK, "ok\n")
}

// readyz says whether IVS is reachable, so a load balancer keeps traffic
// away from a console that can only show errors.
func (h *handler) readyz(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	if h.Ready == nil {
		return c.String(http.StatusOK, "ready\n")
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	if err := h.Ready(ctx); err != nil {
		return c.String(http.StatusServiceUnavailable, "not ready: IVS is not reachable: "+ivs.RedactStreamKeys(err.Error())+"\n")
	}
	return c.String(http.StatusOK, "ready\n")
}
