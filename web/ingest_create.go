package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// ingestNew shows the create form with a fresh idempotency token.
func (h *handler) ingestNew(c echo.Context) error {
	stages, err := h.ingestStages(c.Request().Context(), regionOf(c))
	v := ingestCreateView(form.NewIngestForm(), nil, stages)
	if err != nil {
		v.StagesErr = stagesUnavailable
	}
	return h.renderIngestCreate(c, http.StatusOK, v)
}

// ingestCreate validates the form, creates the configuration once per
// idempotency token, audits the attempt and goes to its page.
func (h *handler) ingestCreate(c echo.Context) error {
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := form.ParseIngestForm(vals)
	ctx, region := c.Request().Context(), regionOf(c)
	stages, stagesErr := h.ingestStages(ctx, region)
	if stagesErr != nil && f.Stage != "" {
		// The stage cannot be checked: say so on the form, send nothing.
		v := ingestCreateView(f, form.Errors{form.FieldStage: "The region's stages could not be loaded to check this one. Your input is kept: try again in a few seconds."}, nil)
		return h.renderIngestCreate(c, http.StatusServiceUnavailable, v)
	}
	if errs := f.Validate(ingestStageLookup(stages)); errs.Any() {
		if !form.ValidToken(f.Token) {
			f.Token = form.NewToken() // a damaged token would block every retry
		}
		return h.renderIngestCreate(c, http.StatusUnprocessableEntity, ingestCreateView(f, errs, stages))
	}
	in := ivs.CreateIngestInput{
		Name: f.Name, UserID: f.UserID, Attributes: form.Map(f.Attributes), Protocol: f.Protocol,
		InsecureIngest: f.InsecureIngest(), RedundantIngest: f.Redundant, Tags: form.Map(f.Tags),
		IdempotencyKey: f.Token,
	}
	if f.Stage != "" {
		if in.StageARN, err = h.stageARN(c, f.Stage); err != nil {
			return err
		}
	}
	detail := fmt.Sprintf("name=%q protocol=%s redundant=%t stage=%s", f.Name, f.Protocol, f.Redundant, f.Stage)
	cfg, err := h.IVS.CreateIngestConfiguration(ctx, region, in)
	if err != nil {
		auditErr := h.audit(c, ActionCreate, "", err, detail)
		status, field, msg, ok := ingestUpstreamMessage(err, "the configuration was not created")
		if !ok {
			return err
		}
		if auditErr != nil {
			msg += ingestAuditNote
		}
		errs := form.Errors{}
		if field == "" {
			field = form.FieldForm
		}
		errs.Add(field, msg)
		return h.renderIngestCreate(c, status, ingestCreateView(f, errs, stages))
	}
	if err := h.audit(c, ActionCreate, cfg.ARN, nil, detail); err != nil {
		return auditUnavailable(true)
	}
	id := cfg.ID
	if id == "" {
		id = ivs.IDFromARN(cfg.ARN)
	}
	msg := "Created the ingest configuration " + ingestDisplayName(cfg) + "."
	if cfg.RedundantIngest {
		msg += " It has two encoder keys (A and B): reveal them to hand them to the encoders."
	}
	if f.InsecureIngest() {
		msg += " It uses plain RTMP with insecure ingest: the key travels unencrypted."
	}
	addFlash(c, flashOK, msg)
	return redirect(c, ingestURL(c, id, ""))
}

func ingestDisplayName(cfg ivs.IngestConfiguration) string {
	if cfg.Name != "" {
		return "“" + cfg.Name + "”"
	}
	if cfg.ID != "" {
		return cfg.ID
	}
	return ivs.IDFromARN(cfg.ARN)
}

func ingestCreateView(f form.IngestForm, errs form.Errors, stages []ivs.Stage) views.IngestCreateView {
	return views.IngestCreateView{
		Name: f.Name, Stage: f.Stage, UserID: f.UserID, Attributes: ingestKVs(f.Attributes),
		Protocol: f.Protocol, Redundant: f.Redundant, Tags: ingestKVs(f.Tags), Token: f.Token,
		Errors: errs, Stages: ingestStageOptions(stages), MaxAttributes: ivs.MaxAttributesLen,
	}
}

func (h *handler) renderIngestCreate(c echo.Context, status int, v views.IngestCreateView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	p := h.page(c, "New ingest configuration", "ingest", ingestSection)
	return render(c, status, views.IngestCreate(p, v))
}
