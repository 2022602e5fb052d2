package web

import (
	"context"
	"net/http"
	"strings"
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
// away from a console that can only show errors; the lines after the first
// say what this replica is (leader or follower, store, call budget).
func (h *handler) readyz(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	ctx, cancel := context.WithTimeout(c.Request().Context(), 3*time.Second)
	defer cancel()
	status, first := http.StatusOK, "ready"
	if h.Ready != nil {
		if err := h.Ready(ctx); err != nil {
			status, first = http.StatusServiceUnavailable, "not ready: IVS is not reachable: "+ivs.RedactStreamKeys(err.Error())
		}
	}
	lines := []string{first}
	if h.Replica != nil {
		lines = append(lines, h.Replica(ctx)...)
	}
	return c.String(status, strings.Join(lines, "\n")+"\n")
}
