package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// Ingest configuration URLs, under /r/{region}:
//
//	GET  /ingest-configurations[?stage=|state=][&next=][&sort=]  list (viewer)
//	GET  /ingest-configurations/new                              create form (operator)
//	POST /ingest-configurations                                  create (operator)
//	GET  /ingest-configurations/:id                              detail (viewer)
//	GET  /ingest-configurations/:id/edit                         edit form (operator)
//	POST /ingest-configurations/:id                              update (operator)
//	POST /ingest-configurations/:id/reveal                       reveal keys (keyholder)
//	GET  /ingest-configurations/:id/delete                       confirmation (operator)
//	POST /ingest-configurations/:id/delete                       delete (operator)
//	GET  /ingest-configurations/:id/rotate                       rotation, step 1 (operator)
//	POST /ingest-configurations/:id/rotate                       create the replacement (operator)
//	GET  /ingest-configurations/:id/rotate/:newId                rotation, steps 2 and 3 (operator)
//	POST /ingest-configurations/:id/rotate/:newId                delete the old one (operator)
func init() {
	registerIngestRoutes = func(r *echo.Group, h *handler) {
		op := requireRole(auth.RoleOperator)
		r.GET("/ingest-configurations", h.ingestList)
		r.GET("/ingest-configurations/new", h.ingestNew, op)
		r.POST("/ingest-configurations", h.ingestCreate, op)
		r.GET("/ingest-configurations/:id", h.ingestShow)
		r.GET("/ingest-configurations/:id/edit", h.ingestEdit, op)
		r.POST("/ingest-configurations/:id", h.ingestUpdate, op)
		r.POST("/ingest-configurations/:id/reveal", h.ingestReveal, requireRole(auth.RoleKeyholder))
		r.GET("/ingest-configurations/:id/delete", h.ingestDeleteConfirm, op)
		r.POST("/ingest-configurations/:id/delete", h.ingestDelete, op)
		r.GET("/ingest-configurations/:id/rotate", h.ingestRotateStart, op)
		r.POST("/ingest-configurations/:id/rotate", h.ingestRotateCreate, op)
		r.GET("/ingest-configurations/:id/rotate/:newId", h.ingestRotateFinishPage, op)
		r.POST("/ingest-configurations/:id/rotate/:newId", h.ingestRotateFinish, op)
	}
}

const ingestSection = "/ingest-configurations"

// maxStagePages bounds how many pages of stages a picker loads: 1,000
// stages per region is the default quota, 100 per page.
const maxStagePages = 10

// ingestStages loads the region's stages for pickers and names. The cached
// layer makes this one ListStages call per region per while.
func (h *handler) ingestStages(ctx context.Context, region ivs.Region) ([]ivs.Stage, error) {
	var out []ivs.Stage
	q := ivs.ListQuery{MaxResults: 100}
	for range maxStagePages {
		page, err := h.IVS.ListStages(ctx, region, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextToken == "" {
			break
		}
		q.NextToken = page.NextToken
	}
	return out, nil
}

func ingestStageOptions(stages []ivs.Stage) []views.IngestStageOption {
	out := make([]views.IngestStageOption, 0, len(stages))
	for _, s := range stages {
		out = append(out, views.IngestStageOption{ID: s.ID, Name: s.Name})
	}
	slices.SortFunc(out, func(a, b views.IngestStageOption) int {
		return strings.Compare(strings.ToLower(a.Label()), strings.ToLower(b.Label()))
	})
	return out
}

// ingestStageLookup resolves a stage id, or a unique exact stage name, to
// a stage id of the region.
func ingestStageLookup(stages []ivs.Stage) form.StageLookup {
	return func(s string) (string, bool) {
		for _, st := range stages {
			if st.ID == s {
				return st.ID, true
			}
		}
		found := ""
		for _, st := range stages {
			if st.Name != "" && st.Name == s {
				if found != "" {
					return "", false // two stages share the name: ask for the id
				}
				found = st.ID
			}
		}
		return found, found != ""
	}
}

const stagesUnavailable = "The region's stages could not be loaded just now, so the list to pick from is empty; you can still type a stage id."

// ingestLoad reads a configuration named by the :id (or another) parameter,
// answering 404 in words when it does not exist.
func (h *handler) ingestLoad(c echo.Context, param string) (ivs.IngestConfiguration, error) {
	id := c.Param(param)
	arn, err := h.ingestARN(c, id)
	if err != nil {
		return ivs.IngestConfiguration{}, err
	}
	cfg, err := h.IVS.GetIngestConfiguration(c.Request().Context(), regionOf(c), arn)
	if err != nil {
		return ivs.IngestConfiguration{}, ingestNotFound(c, id, err)
	}
	if cfg.ID == "" {
		cfg.ID = id
	}
	return cfg, nil
}

// ingestNotFound turns IVS's not-found into a 404 page that names what was
// looked for; other errors pass through.
func ingestNotFound(c echo.Context, id string, err error) error {
	if ivs.IsNotFound(err) {
		return notFound("There is no ingest configuration “"+id+"” in "+string(regionOf(c))+". It may have been deleted, or the link names another region.",
			views.RegionURL(string(regionOf(c)), ingestSection), "All ingest configurations")
	}
	return err
}

// ingestUpstreamMessage puts an IVS failure of a form's action into words
// for the form, with the status to answer. ok is false for failures the
// central error handler should answer (not found and the unexpected).
func ingestUpstreamMessage(err error, what string) (status int, field, msg string, ok bool) {
	var de *ivs.Error
	if errors.As(err, &de) {
		switch de.Kind {
		case ivs.KindValidation:
			return http.StatusUnprocessableEntity, form.APIField(de.Field), "IVS refused this: " + de.Message, true
		case ivs.KindConflict:
			return http.StatusConflict, "", "IVS refused: " + de.Message, true
		case ivs.KindThrottled:
			return http.StatusServiceUnavailable, "", "IVS is rate-limiting this AWS account right now, so " + what + " did not happen. Your input is kept: try again in a few seconds.", true
		case ivs.KindUnavailable:
			return http.StatusServiceUnavailable, "", "IVS did not answer (" + de.Message + "). Your input is kept: try again; submitting this form again never makes a duplicate.", true
		case ivs.KindAccessDenied:
			return http.StatusBadGateway, "", "Greenroom's AWS credentials are not allowed to do this (" + de.Op + "). An administrator needs to grant it in IAM. " + de.Message, true
		case ivs.KindQuota:
			return http.StatusConflict, "", "An IVS quota is reached: " + de.Message, true
		}
		return 0, "", "", false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return http.StatusGatewayTimeout, "", "IVS took too long to answer. Your input is kept: try again; submitting this form again never makes a duplicate.", true
	}
	return 0, "", "", false
}

// ingestAuditNote is added to a form message when even the audit record of
// a failed attempt could not be written.
const ingestAuditNote = " (The audit log could not record this attempt either: tell an administrator.)"

// noPushOnRerender keeps the browser's address on the form's page when htmx
// swaps in a re-rendered form after an error.
func noPushOnRerender(c echo.Context) {
	if isHTMX(c) {
		c.Response().Header().Set("HX-Push-Url", "false")
	}
}

// ingestFlags are the hygiene warnings for a configuration. Summaries from
// the list carry no attributes, so the list can only flag the user id.
func ingestFlags(cfg ivs.IngestConfiguration) []views.IngestFlag {
	var out []views.IngestFlag
	if cfg.StageARN == "" {
		out = append(out, views.IngestFlag{Kind: "no-stage", Text: "No stage", Why: "No stage is attached, so its stream key cannot be used until one is."})
	}
	if cfg.Protocol == ivs.ProtocolRTMP {
		out = append(out, views.IngestFlag{Kind: "rtmp", Text: "Plain RTMP", Why: "RTMP is unencrypted: the video and the stream key can be read on the network path. Prefer RTMPS."})
	}
	if ok, what := form.LooksPersonal(cfg.UserID); ok {
		out = append(out, views.IngestFlag{Kind: "personal", Text: "Personal data?", Why: "The user id looks like " + what + ". Every participant of the stage can see it."})
	}
	for _, kv := range form.Rows(cfg.Attributes) {
		if ok, what := form.LooksPersonal(kv.Key + " " + kv.Value); ok {
			out = append(out, views.IngestFlag{Kind: "personal", Text: "Personal data?", Why: "The attribute “" + kv.Key + "” looks like " + what + ". Every participant of the stage can see it."})
			break
		}
	}
	return out
}

func ingestKVs(rows []form.KV) []views.IngestKV {
	out := make([]views.IngestKV, len(rows))
	for i, r := range rows {
		out[i] = views.IngestKV{Key: r.Key, Value: r.Value}
	}
	return out
}

// ingestURL is a region-scoped configuration address for redirects.
func ingestURL(c echo.Context, id, rest string) string {
	return views.IngestURL(string(regionOf(c)), id, rest)
}
