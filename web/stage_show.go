package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/views"
)

// stageShow is the stage page: the stage, its live session, one page of its
// sessions, its ingest configurations and the redundancy panel.
func (h *handler) stageShow(c echo.Context) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	switch c.QueryParam("fragment") {
	case "":
	case fragmentRedundancy:
		return h.redundancyPanel(c, ref)
	default:
		return badRequest("“fragment” can only be “redundancy” on a stage page.")
	}
	next, err := nextParam(c)
	if err != nil {
		return err
	}
	sp, err := h.console.StagePage(c.Request().Context(), ref, next)
	if err != nil {
		return err
	}
	v := views.StageView{Stage: sp.Stage, LiveSession: sp.LiveSession, Sessions: sp.Sessions.Items, SessionsNext: sp.Sessions.NextToken,
		Paged: next != "", Configs: sp.Configs, ConfigsPartial: sp.ConfigsPartial, Now: h.Now(),
		Redundancy: h.redundancyView(ref, sp.Stage, sp.Redundancy)}
	v.Output = views.ProgramOutputView{Stage: sp.Stage, Outputs: sp.Outputs, Seen: h.destinationsSeen(ref.Region, sp.Stage.ARN), Now: h.Now()}
	if sp.OutputsErr != nil {
		v.Output.Err = safeErrorText(sp.OutputsErr)
	}
	if next == "" { // the first page of sessions holds the last day's
		v.SessionsTimeline = sessionsTimeline(sp.Sessions.Items, h.Now())
	}
	p := h.page(c, sp.Stage.DisplayName(), "stages", "/stages")
	return render(c, http.StatusOK, views.StageShow(p, v))
}
