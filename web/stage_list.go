package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// stageList shows a region's stages, one API page at a time, or searches
// every stage of the region by name, id or tag (the API has no server-side
// search; the console reads them all through its cache).
func (h *handler) stageList(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	if len(q) > 128 {
		return badQuery(&form.ParamError{Params: []string{"q"}, Err: errors.New("The search is longer than 128 characters.")})
	}
	next, err := nextParam(c)
	if err != nil {
		return err
	}
	l, err := h.console.StageList(c.Request().Context(), regionOf(c), next, q)
	if err != nil {
		return err
	}
	v := views.StageListView{Query: q, NextToken: l.NextToken, Count: l.Count, Truncated: l.Truncated}
	snap := h.liveSnapshot()
	for _, st := range l.Stages {
		row := views.StageRow{Stage: st}
		if ws := snap.Stage(regionOf(c), st.ARN); ws != nil {
			row.Health, row.Since = ws.Health, ws.Since
		}
		v.Stages = append(v.Stages, row)
	}
	p := h.page(c, "Stages", "stages", "/stages")
	if isHTMX(c) && c.Request().Header.Get("HX-Target") == "stage-table" {
		return render(c, http.StatusOK, views.StageTable(p, v))
	}
	return render(c, http.StatusOK, views.StageList(p, v))
}
