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
	id, err := ingestIDParam(c, "id")
	if err != nil {
		return err
	}
	fragment := c.QueryParam("fragment")
	if fragment != "" && fragment != "encoders" {
		return badRequest("“fragment” can only be “encoders” on a configuration's page.")
	}
	d, err := h.console.IngestDetail(c.Request().Context(), regionOf(c), id)
	if err != nil {
		return err
	}
	v := views.IngestShowView{Config: d.Config, StageID: ivs.IDFromARN(d.Config.StageARN), Stage: d.Stage, Redundancy: d.Redundancy, Flags: d.Config.Hygiene()}
	switch {
	case d.StageErr != nil && ivs.IsNotFound(d.StageErr):
		v.StageErr = "The attached stage no longer exists: the key cannot be used until another stage is attached."
	case d.StageErr != nil:
		v.StageErr = "The stage's details could not be read just now (" + ivs.KindOf(d.StageErr).String() + "): reload in a few seconds."
	}
	if d.Config.RedundantIngest {
		switch {
		case d.Config.StageARN == "":
			v.RedundancyErr = "No stage is attached, so neither encoder can publish."
		case d.Stage == nil:
			v.RedundancyErr = "The encoders' state is unknown: the stage could not be read."
		case d.RedundancyErr != nil:
			v.RedundancyErr = "The encoders' state could not be read just now (" + ivs.KindOf(d.RedundancyErr).String() + "): reload in a few seconds."
		}
	}
	p := h.page(c, d.Config.DisplayName(), "ingest", ingestSection)
	if d.Config.RedundantIngest && d.HistoryErr == nil {
		v.Timeline = encoderTimeline(d.Config, d.History, h.Now())
	}
	if fragment == "encoders" {
		return render(c, http.StatusOK, views.EncodersNow(p, v))
	}
	return render(c, http.StatusOK, views.IngestShow(p, v))
}

// ingestParam reads the configuration a path parameter names.
func (h *handler) ingestParam(c echo.Context, name string) (ivs.IngestConfiguration, error) {
	id, err := ingestIDParam(c, name)
	if err != nil {
		return ivs.IngestConfiguration{}, err
	}
	return h.console.Ingest(c.Request().Context(), regionOf(c), id)
}
