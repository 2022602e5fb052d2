package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
)

// ingestShow is a configuration's page: settings with keys masked, its
// stage's endpoints and, for a redundant pair, which encoders publish now.
func (h *handler) ingestShow(c echo.Context) error {
	cfg, err := h.ingestLoad(c, "id")
	if err != nil {
		return err
	}
	ctx, region := c.Request().Context(), regionOf(c)
	v := views.IngestDetailView{Config: cfg, StageID: ivs.IDFromARN(cfg.StageARN), Flags: ingestFlags(cfg)}
	if cfg.StageARN != "" {
		st, err := h.IVS.GetStage(ctx, region, cfg.StageARN)
		switch {
		case err == nil:
			v.Stage = &st
		case ivs.IsNotFound(err):
			v.StageErr = "The attached stage no longer exists: the key cannot be used until another stage is attached."
		default:
			v.StageErr = "The stage's details could not be read just now (" + ivs.KindOf(err).String() + "): reload in a few seconds."
		}
	}
	if cfg.RedundantIngest {
		switch {
		case v.Stage == nil && cfg.StageARN == "":
			v.RedundancyErr = "No stage is attached, so neither encoder can publish."
		case v.Stage == nil:
			v.RedundancyErr = "The encoders' state is unknown: the stage could not be read."
		default:
			rs, err := h.redundancyFor(ctx, region, *v.Stage, []ivs.IngestConfiguration{cfg})
			if err != nil {
				v.RedundancyErr = "The encoders' state could not be read just now (" + ivs.KindOf(err).String() + "): reload in a few seconds."
			} else if len(rs) == 1 {
				v.Redundancy = &rs[0]
			}
		}
	}
	p := h.page(c, ingestTitle(cfg), "ingest", ingestSection)
	return render(c, http.StatusOK, views.IngestDetail(p, v))
}

func ingestTitle(cfg ivs.IngestConfiguration) string {
	if cfg.Name != "" {
		return cfg.Name
	}
	return cfg.ID
}
