package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/views"
)

// stageDeleteConfirm asks before deleting, names the configurations that
// stay attached, and explains why a live stage cannot be deleted now.
func (h *handler) stageDeleteConfirm(c echo.Context) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	d, err := h.console.StageDeletion(c.Request().Context(), ref)
	if err != nil {
		return err
	}
	return h.renderStageDelete(c, http.StatusOK, views.StageDeleteView{Stage: d.Stage, Configs: d.Configs, ConfigsPartial: d.ConfigsPartial})
}

// stageDelete deletes a stage that is not live (audited); a live one is
// refused before IVS is asked, with the reason.
func (h *handler) stageDelete(c echo.Context) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	st, err := h.console.DeleteStage(ctx, actorOf(c), ref)
	if err != nil {
		var live *console.StageLiveError
		status, msg := http.StatusConflict, ""
		if errors.As(err, &live) {
			msg = "Not deleted: the stage is live now (session " + live.Stage.ActiveSessionID + "). Deleting it would end the session and disconnect everyone in it." + auditNote(err)
		} else {
			var ok bool
			if status, _, msg, ok = formProblem(err, "the deletion"); !ok {
				return err
			}
		}
		v := views.StageDeleteView{Stage: st, Message: msg}
		if d, derr := h.console.StageDeletion(ctx, ref); derr == nil {
			v.Configs, v.ConfigsPartial = d.Configs, d.ConfigsPartial
		}
		return h.renderStageDelete(c, status, v)
	}
	addFlash(c, flashOK, "Deleted the stage "+quotedStage(st)+": its endpoints and participant tokens no longer work.")
	return redirect(c, views.StagesURL(string(ref.Region)))
}

func (h *handler) renderStageDelete(c echo.Context, status int, v views.StageDeleteView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	return render(c, status, views.StageDelete(h.page(c, "Delete "+v.Stage.DisplayName(), "stages", "/stages"), v))
}
