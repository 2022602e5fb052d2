package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
)

// compositionShow is a composition: its layout, its destinations with
// their states (since when, from the watcher's model) and what a failure
// means, the configurations it uses.
func (h *handler) compositionShow(c echo.Context) error {
	id, err := idParam(c, "compositionId", "a composition")
	if err != nil {
		return err
	}
	cp, err := h.console.CompositionPage(c.Request().Context(), regionOf(c), id)
	if err != nil {
		return err
	}
	v := views.CompositionView{Composition: cp.Composition, Stage: cp.Stage, Encoders: cp.Encoders, Storages: cp.Storages,
		Seen: h.destinationsSeen(regionOf(c), cp.Composition.StageARN), Now: h.Now()}
	if cp.StageErr != nil {
		v.StageErr = safeErrorText(cp.StageErr)
	}
	if cp.PartsErr != nil {
		v.PartsErr = safeErrorText(cp.PartsErr)
	}
	p := h.page(c, "Composition "+id, "stages", "/stages")
	return render(c, http.StatusOK, views.CompositionShow(p, v))
}

// idParam reads a resource id from the path: a malformed one is a 400
// naming what it should be; nothing goes upstream.
func idParam(c echo.Context, name, what string) (string, error) {
	id := c.Param(name)
	if !ivs.ValidID(id) {
		return "", badRequest("“" + clipParam(id) + "” is not " + what + " id: ids are letters, digits and dashes.")
	}
	return id, nil
}

// destinationsSeen is, by destination id, when the watcher first saw each
// destination of a stage's compositions in its current state (empty
// without a watcher, or before it swept the stage).
func (h *handler) destinationsSeen(region ivs.Region, stageARN string) map[string]time.Time {
	out := map[string]time.Time{}
	if h.Live == nil {
		return out
	}
	st := h.Live.Snapshot().Stage(region, stageARN)
	if st == nil {
		return out
	}
	for _, o := range st.Outputs {
		for _, d := range o.Destinations {
			out[d.ID] = d.Since
		}
	}
	return out
}
