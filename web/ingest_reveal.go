package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/views"
)

// ingestReveal shows a configuration's stream keys to a keyholder: a POST
// (CSRF-checked by the middleware), written to the audit log before any key
// is sent, answered with Cache-Control: no-store. htmx gets the keys panel
// alone; a plain form post gets a whole page.
func (h *handler) ingestReveal(c echo.Context) error {
	id, err := ingestIDParam(c, "id")
	if err != nil {
		return err
	}
	r, err := h.console.RevealKeys(c.Request().Context(), actorOf(c), regionOf(c), id)
	if err != nil {
		return err
	}
	v := views.IngestKeysView{Config: r.Config, TTL: int(h.RevealTTL.Seconds()), Server: r.Server}
	switch {
	case r.NoStage:
		v.ServerNote = "No stage is attached: these keys cannot be used until one is."
	case r.ServerErr != nil:
		v.ServerNote = "The stage's server address could not be read just now: copy it from the stage's page."
	}
	hdr := c.Response().Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Pragma", "no-cache")
	p := h.page(c, "Stream keys of "+r.Config.DisplayName(), "ingest", ingestSection)
	if isHTMX(c) {
		return render(c, http.StatusOK, views.IngestKeys(p, v))
	}
	return render(c, http.StatusOK, views.IngestKeysPage(p, v))
}
