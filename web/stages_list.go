package web

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
)

// stageList shows a region's stages, one API page at a time, with a name
// and tag search over the page (the API has no server-side search).
func (h *handler) stageList(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	if len(q) > 128 {
		return badRequest("The search is longer than 128 characters.")
	}
	next, err := nextTokenParam(c)
	if err != nil {
		return err
	}
	page, err := h.IVS.ListStages(c.Request().Context(), regionOf(c), ivs.ListQuery{NextToken: next, MaxResults: 100})
	if err != nil {
		return err
	}
	v := views.StageListView{Query: q, NextToken: page.NextToken, Count: len(page.Items)}
	for _, st := range page.Items {
		if q == "" || stageMatches(st, q) {
			v.Stages = append(v.Stages, views.StageRow{Stage: st})
		}
	}
	p := h.page(c, "Stages", "stages", "/stages")
	if isHTMX(c) && c.Request().Header.Get("HX-Target") == "stage-table" {
		return render(c, http.StatusOK, views.StageTable(p, v))
	}
	return render(c, http.StatusOK, views.StageList(p, v))
}

func stageMatches(st ivs.Stage, q string) bool {
	q = strings.ToLower(q)
	if strings.Contains(strings.ToLower(st.Name), q) || strings.Contains(strings.ToLower(st.ID), q) {
		return true
	}
	for k, v := range st.Tags {
		if strings.Contains(strings.ToLower(k+"="+v), q) {
			return true
		}
	}
	return false
}

// nextTokenParam reads ?next=, an opaque page token from IVS. It is checked
// only for shape here; IVS rejects a forged one.
func nextTokenParam(c echo.Context) (string, error) {
	t := c.QueryParam("next")
	if len(t) > 4096 {
		return "", badRequest("The page token in the address is too long: start again from the first page.")
	}
	for _, r := range t {
		if r < 0x21 || r > 0x7e {
			return "", badRequest("The page token in the address is damaged: start again from the first page.")
		}
	}
	return t, nil
}
