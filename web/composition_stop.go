package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
)

// compositionStopConfirm asks before stopping a composition.
func (h *handler) compositionStopConfirm(c echo.Context) error {
	comp, err := h.compositionParam(c)
	if err != nil {
		return err
	}
	return h.renderCompositionStop(c, http.StatusOK, views.CompositionStopView{Composition: comp})
}

// compositionStop stops the composition (audited) and goes back to its page.
func (h *handler) compositionStop(c echo.Context) error {
	comp, err := h.compositionParam(c)
	if err != nil {
		return err
	}
	if err := h.console.StopComposition(c.Request().Context(), actorOf(c), regionOf(c), comp); err != nil {
		status, _, msg, ok := formProblem(err, "the stop")
		if !ok {
			return err
		}
		return h.renderCompositionStop(c, status, views.CompositionStopView{Composition: comp, Message: msg})
	}
	addFlash(c, flashOK, "Stopping composition "+comp.ID+": its destinations no longer receive the program.")
	return redirect(c, views.CompositionURL(string(regionOf(c)), comp.ID, ""))
}

func (h *handler) compositionParam(c echo.Context) (ivs.Composition, error) {
	id, err := idParam(c, "compositionId", "a composition")
	if err != nil {
		return ivs.Composition{}, err
	}
	return h.console.Composition(c.Request().Context(), regionOf(c), id)
}

func (h *handler) renderCompositionStop(c echo.Context, status int, v views.CompositionStopView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	p := h.page(c, "Stop composition "+v.Composition.ID, "stages", "/stages")
	return render(c, status, views.CompositionStop(p, v))
}
