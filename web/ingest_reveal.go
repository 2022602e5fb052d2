package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
)

// ingestReveal shows a configuration's stream keys to a keyholder: a POST
// (CSRF-checked by the middleware), written to the audit log before any key
// is sent, answered with Cache-Control: no-store. htmx gets the keys panel
// alone; a plain form post gets a whole page.
func (h *handler) ingestReveal(c echo.Context) error {
	id := c.Param("id")
	arn, err := h.ingestARN(c, id)
	if err != nil {
		return err
	}
	ctx, region := c.Request().Context(), regionOf(c)
	cfg, err := h.IVS.RevealStreamKeys(ctx, region, arn)
	if err != nil {
		_ = h.audit(c, ActionReveal, arn, err, "")
		return ingestNotFound(c, id, err)
	}
	if cfg.ID == "" {
		cfg.ID = id
	}
	v := views.IngestKeysView{Config: cfg, TTL: int(h.RevealTTL.Seconds())}
	if cfg.StageARN == "" {
		v.ServerNote = "No stage is attached: these keys cannot be used until one is."
	} else if st, err := h.IVS.GetStage(ctx, region, cfg.StageARN); err != nil {
		v.ServerNote = "The stage's server address could not be read just now: copy it from the stage's page."
	} else {
		v.Server = st.Endpoints.RTMPS
		if cfg.Protocol == ivs.ProtocolRTMP {
			v.Server = st.Endpoints.RTMP
		}
	}
	// The record comes first: no record, no keys.
	if err := h.audit(c, ActionReveal, cfg.ARN, nil, ""); err != nil {
		return auditUnavailable(false)
	}
	hdr := c.Response().Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Pragma", "no-cache")
	p := h.page(c, "Stream keys of "+ingestTitle(cfg), "ingest", ingestSection)
	if isHTMX(c) {
		return render(c, http.StatusOK, views.IngestKeys(p, v))
	}
	return render(c, http.StatusOK, views.IngestKeysPage(p, v))
}
