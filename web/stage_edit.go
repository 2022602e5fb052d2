package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// stageEdit shows the edit form: name, recording and the user's tags.
func (h *handler) stageEdit(c echo.Context) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	st, err := h.console.Stage(c.Request().Context(), ref)
	if err != nil {
		return err
	}
	return h.renderStageEdit(c, http.StatusOK, views.StageEditView{Stage: st, Form: stageFormView(form.StageFormOf(st), nil)})
}

// stageUpdate sends what changed (audited): the name and recording through
// UpdateStage, the tags through the tag API.
func (h *handler) stageUpdate(c echo.Context) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	ctx := c.Request().Context()
	st, err := h.console.Stage(ctx, ref)
	if err != nil {
		return err
	}
	f := form.ParseStageForm(vals)
	if errs := f.Validate(ref.Region, false); errs.Any() {
		return h.renderStageEdit(c, http.StatusUnprocessableEntity, views.StageEditView{Stage: st, Form: stageFormView(f, errs)})
	}
	u, err := h.console.UpdateStage(ctx, actorOf(c), ref, console.StageChange{Name: f.Name, Tags: form.Map(f.Tags), Recording: f.Recording()})
	if err != nil {
		status, field, msg, ok := stageFormProblem(err, "the change")
		if !ok {
			return err
		}
		if ivs.KindOf(err) == ivs.KindConflict {
			msg = "IVS refused the change: " + conflictText(err) + " Recording cannot change while participants are being recorded: try again when the session has ended." + auditNote(err)
		}
		var ue *console.StageUpdateError
		if errors.As(err, &ue) {
			field = form.FieldForm
			msg = "Saved: " + strings.Join(ue.Done, ", ") + ". Not saved: " + ue.Step + ". " + msg
		}
		return h.renderStageEdit(c, status, views.StageEditView{Stage: st, Form: stageFormView(f, form.Errors{field: msg})})
	}
	if u.Nothing() {
		addFlash(c, flashOK, "Nothing to change: "+quotedStage(st)+" already is as the form says.")
	} else {
		addFlash(c, flashOK, "Saved the changes to "+quotedStage(st)+" ("+strings.Join(u.Changed, ", ")+").")
	}
	return redirect(c, views.StageURL(string(ref.Region), ref.StageID))
}

// conflictText is what IVS said of a conflict.
func conflictText(err error) string {
	var de *ivs.Error
	if errors.As(err, &de) {
		return strings.TrimSuffix(de.Message, ".") + "."
	}
	return ""
}

func (h *handler) renderStageEdit(c echo.Context, status int, v views.StageEditView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	return render(c, status, views.StageEdit(h.page(c, "Edit "+v.Stage.DisplayName(), "stages", "/stages"), v))
}
