package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// ingestNew shows the create form with a fresh idempotency token.
func (h *handler) ingestNew(c echo.Context) error {
	stages, err := h.console.Stages(c.Request().Context(), regionOf(c))
	v := ingestCreateView(form.NewIngestForm(), nil, stages)
	if err != nil {
		v.StagesErr = stagesUnavailable
	}
	return h.renderIngestCreate(c, http.StatusOK, v)
}

// ingestCreate validates the form, creates the configuration once per
// idempotency token (audited) and goes to its page.
func (h *handler) ingestCreate(c echo.Context) error {
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := form.ParseIngestForm(vals)
	ctx, region := c.Request().Context(), regionOf(c)
	stages, stagesErr := h.console.Stages(ctx, region)
	if stagesErr != nil && f.Stage != "" { // the stage cannot be checked: say so, send nothing
		v := ingestCreateView(f, form.Errors{form.FieldStage: "The region's stages could not be loaded to check this one. Your input is kept: try again in a few seconds."}, nil)
		return h.renderIngestCreate(c, http.StatusServiceUnavailable, v)
	}
	if errs := f.Validate(console.StageLookup(stages)); errs.Any() {
		if !form.ValidToken(f.Token) {
			f.Token = form.NewToken() // a damaged token would block every retry
		}
		return h.renderIngestCreate(c, http.StatusUnprocessableEntity, ingestCreateView(f, errs, stages))
	}
	cfg, err := h.console.CreateIngest(ctx, actorOf(c), region, f.StageID, f.Input())
	if err != nil {
		status, field, msg, ok := formProblem(err, "the configuration was not created")
		if !ok {
			return err
		}
		return h.renderIngestCreate(c, status, ingestCreateView(f, form.Errors{field: msg}, stages))
	}
	addFlash(c, flashOK, createdMessage(cfg, f.InsecureIngest()))
	return redirect(c, views.IngestURL(string(region), cfg.ID, ""))
}

func createdMessage(cfg ivs.IngestConfiguration, insecure bool) string {
	msg := "Created the ingest configuration " + views.Quoted(cfg) + "."
	if cfg.RedundantIngest {
		msg += " It has two encoder keys (A and B): reveal them to hand them to the encoders."
	}
	if insecure {
		msg += " It uses plain RTMP with insecure ingest: the key travels unencrypted."
	}
	return msg
}

func ingestCreateView(f form.IngestForm, errs form.Errors, stages []ivs.Stage) views.IngestCreateView {
	return views.IngestCreateView{
		Name: f.Name, Stage: f.Stage, UserID: f.UserID, Attributes: ingestKVs(f.Attributes),
		Protocol: f.Protocol, Redundant: f.Redundant, Tags: ingestKVs(f.Tags), Token: f.Token,
		Errors: errs, Stages: stageOptions(stages), MaxAttributes: ivs.MaxAttributesLen,
		MaxTags: ivs.MaxUserTags, MaxTagsIVS: ivs.MaxTags,
	}
}

func ingestKVs(rows []form.KV) []views.IngestKV {
	out := make([]views.IngestKV, len(rows))
	for i, r := range rows {
		out[i] = views.IngestKV{Key: r.Key, Value: r.Value, BadKey: r.BadKey, BadValue: r.BadValue}
	}
	return out
}

func (h *handler) renderIngestCreate(c echo.Context, status int, v views.IngestCreateView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	p := h.page(c, "New ingest configuration", "ingest", ingestSection)
	return render(c, status, views.IngestCreate(p, v))
}
