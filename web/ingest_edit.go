package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// ingestEdit shows the update form: the stage and redundant ingest, the only
// fields IVS can change. An ACTIVE configuration gets the reason it cannot
// be changed now instead of a form that would fail.
func (h *handler) ingestEdit(c echo.Context) error {
	cfg, err := h.ingestParam(c, "id")
	if err != nil {
		return err
	}
	stages, serr := h.console.Stages(c.Request().Context(), regionOf(c))
	v := views.IngestEditView{Config: cfg, Stage: ivs.IDFromARN(cfg.StageARN), Redundant: cfg.RedundantIngest, Stages: stageOptions(stages)}
	if serr != nil {
		v.StagesErr = stagesUnavailable
	}
	return h.renderIngestEdit(c, http.StatusOK, v)
}

// ingestUpdate sends the stage and the intended redundant ingest value
// (always: the API treats an absent value as false), audited.
func (h *handler) ingestUpdate(c echo.Context) error {
	cfg, err := h.ingestParam(c, "id")
	if err != nil {
		return err
	}
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := form.ParseEditForm(vals)
	ctx, region := c.Request().Context(), regionOf(c)
	stages, serr := h.console.Stages(ctx, region)
	v := views.IngestEditView{Config: cfg, Stage: f.Stage, Redundant: f.Redundant, Stages: stageOptions(stages)}
	if serr != nil && f.Stage != "" {
		v.Errors = form.Errors{form.FieldStage: "The region's stages could not be loaded to check this one. Try again in a few seconds."}
		return h.renderIngestEdit(c, http.StatusServiceUnavailable, v)
	}
	if errs := f.Validate(console.StageLookup(stages), cfg.StageARN != ""); errs.Any() {
		v.Errors = errs
		return h.renderIngestEdit(c, http.StatusUnprocessableEntity, v)
	}
	if err := h.console.UpdateIngest(ctx, actorOf(c), region, cfg, f.Stage, f.Redundant); err != nil {
		return h.ingestUpdateRefused(c, v, err)
	}
	addFlash(c, flashOK, updatedMessage(cfg, f.Redundant))
	return redirect(c, views.IngestURL(string(region), cfg.ID, ""))
}

// ingestUpdateRefused shows the form again with what IVS said.
func (h *handler) ingestUpdateRefused(c echo.Context, v views.IngestEditView, err error) error {
	status, field, msg, ok := formProblem(err, "the change")
	if !ok {
		return err
	}
	if ivs.KindOf(err) == ivs.KindConflict {
		v.Conflict = true
		msg = "IVS refused the change because the configuration is ACTIVE: an encoder is publishing with it. Nothing was changed. Stop the encoder and try again, or rotate to a new configuration." + auditNote(err)
	}
	if field == form.FieldName || field == form.FieldProtocol {
		field = form.FieldForm // not on this form
	}
	v.Errors = form.Errors{field: msg}
	return h.renderIngestEdit(c, status, v)
}

func updatedMessage(cfg ivs.IngestConfiguration, redundant bool) string {
	msg := "Saved the changes to " + views.Quoted(cfg) + "."
	switch {
	case redundant && !cfg.RedundantIngest:
		msg += " Redundant ingest is on: IVS issued two new encoder keys (A and B). Reveal them to hand them to the encoders."
	case !redundant && cfg.RedundantIngest:
		msg += " Redundant ingest is off: the encoder A and B keys no longer work."
	}
	return msg
}

func (h *handler) renderIngestEdit(c echo.Context, status int, v views.IngestEditView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	p := h.page(c, "Edit "+v.Config.DisplayName(), "ingest", ingestSection)
	return render(c, status, views.IngestEdit(p, v))
}
