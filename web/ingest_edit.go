package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// ingestEdit shows the update form: the stage and redundant ingest, the only
// fields IVS can change. An ACTIVE configuration gets the reason it cannot
// be changed now instead of a form that would fail.
func (h *handler) ingestEdit(c echo.Context) error {
	cfg, err := h.ingestLoad(c, "id")
	if err != nil {
		return err
	}
	stages, serr := h.ingestStages(c.Request().Context(), regionOf(c))
	v := views.IngestEditView{Config: cfg, Stage: ivs.IDFromARN(cfg.StageARN), Redundant: cfg.RedundantIngest, Stages: ingestStageOptions(stages)}
	if serr != nil {
		v.StagesErr = stagesUnavailable
	}
	return h.renderIngestEdit(c, http.StatusOK, v)
}

// ingestUpdate sends the stage and the intended redundant ingest value
// (always: the API treats an absent value as false).
func (h *handler) ingestUpdate(c echo.Context) error {
	cfg, err := h.ingestLoad(c, "id")
	if err != nil {
		return err
	}
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := form.ParseEditForm(vals)
	ctx, region := c.Request().Context(), regionOf(c)
	stages, serr := h.ingestStages(ctx, region)
	v := views.IngestEditView{Config: cfg, Stage: f.Stage, Redundant: f.Redundant, Stages: ingestStageOptions(stages)}
	if serr != nil && f.Stage != "" {
		v.Errors = form.Errors{form.FieldStage: "The region's stages could not be loaded to check this one. Try again in a few seconds."}
		return h.renderIngestEdit(c, http.StatusServiceUnavailable, v)
	}
	if errs := f.Validate(ingestStageLookup(stages), cfg.StageARN != ""); errs.Any() {
		v.Errors = errs
		return h.renderIngestEdit(c, http.StatusUnprocessableEntity, v)
	}
	in := ivs.UpdateIngestInput{ARN: cfg.ARN, RedundantIngest: f.Redundant}
	if f.Stage != "" {
		if in.StageARN, err = h.stageARN(c, f.Stage); err != nil {
			return err
		}
	}
	detail := fmt.Sprintf("stage=%s redundant=%t (was stage=%s redundant=%t)", f.Stage, f.Redundant, ivs.IDFromARN(cfg.StageARN), cfg.RedundantIngest)
	_, err = h.IVS.UpdateIngestConfiguration(ctx, region, in)
	if err != nil {
		auditErr := h.audit(c, ActionUpdate, cfg.ARN, err, detail)
		if ivs.KindOf(err) == ivs.KindNotFound {
			return ingestNotFound(c, cfg.ID, err)
		}
		status, field, msg, ok := ingestUpstreamMessage(err, "the change")
		if !ok {
			return err
		}
		if ivs.KindOf(err) == ivs.KindConflict {
			v.Conflict = true
			msg = "IVS refused the change because the configuration is ACTIVE: an encoder is publishing with it. Nothing was changed. Stop the encoder and try again, or rotate to a new configuration."
		}
		if auditErr != nil {
			msg += ingestAuditNote
		}
		if field == "" || field == form.FieldName || field == form.FieldProtocol {
			field = form.FieldForm
		}
		v.Errors = form.Errors{field: msg}
		return h.renderIngestEdit(c, status, v)
	}
	if err := h.audit(c, ActionUpdate, cfg.ARN, nil, detail); err != nil {
		return auditUnavailable(true)
	}
	msg := "Saved the changes to " + ingestDisplayName(cfg) + "."
	switch {
	case f.Redundant && !cfg.RedundantIngest:
		msg += " Redundant ingest is on: IVS issued two new encoder keys (A and B). Reveal them to hand them to the encoders."
	case !f.Redundant && cfg.RedundantIngest:
		msg += " Redundant ingest is off: the encoder A and B keys no longer work."
	}
	addFlash(c, flashOK, msg)
	return redirect(c, ingestURL(c, cfg.ID, ""))
}

func (h *handler) renderIngestEdit(c echo.Context, status int, v views.IngestEditView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	p := h.page(c, "Edit "+ingestTitle(v.Config), "ingest", ingestSection)
	return render(c, status, views.IngestEdit(p, v))
}
