package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// ingestDeleteConfirm asks before deleting; an ACTIVE configuration is
// offered "force" with what it does to the publisher.
func (h *handler) ingestDeleteConfirm(c echo.Context) error {
	cfg, err := h.ingestLoad(c, "id")
	if err != nil {
		return err
	}
	return h.renderIngestDelete(c, http.StatusOK, views.IngestDeleteView{Config: cfg})
}

// ingestDelete deletes, forcing only when the user ticked "force".
func (h *handler) ingestDelete(c echo.Context) error {
	cfg, err := h.ingestLoad(c, "id")
	if err != nil {
		return err
	}
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := form.ParseDeleteForm(vals)
	action := ActionDelete
	if f.Force {
		action = ActionForceDelete
	}
	err = h.IVS.DeleteIngestConfiguration(c.Request().Context(), regionOf(c), cfg.ARN, f.Force)
	if err != nil {
		auditErr := h.audit(c, action, cfg.ARN, err, "")
		if ivs.KindOf(err) == ivs.KindNotFound {
			return ingestNotFound(c, cfg.ID, err)
		}
		status, _, msg, ok := ingestUpstreamMessage(err, "the deletion")
		if !ok {
			return err
		}
		if ivs.KindOf(err) == ivs.KindConflict {
			// IVS says it is ACTIVE now, whatever the page showed: offer force.
			cfg.State = ivs.IngestActive
			msg = "IVS refused to delete it because it is ACTIVE: an encoder is publishing with it. Nothing was deleted. Tick “Force” to disconnect the publisher and delete it anyway."
		}
		if auditErr != nil {
			msg += ingestAuditNote
		}
		return h.renderIngestDelete(c, status, views.IngestDeleteView{Config: cfg, Force: f.Force, Message: msg})
	}
	if err := h.audit(c, action, cfg.ARN, nil, ""); err != nil {
		return auditUnavailable(true)
	}
	msg := "Deleted the ingest configuration " + ingestDisplayName(cfg) + ": its keys no longer work."
	if f.Force {
		msg = "Force-deleted the ingest configuration " + ingestDisplayName(cfg) + ": its publisher was disconnected and its keys no longer work."
	}
	addFlash(c, flashOK, msg)
	return redirect(c, views.RegionURL(string(regionOf(c)), ingestSection))
}

func (h *handler) renderIngestDelete(c echo.Context, status int, v views.IngestDeleteView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	p := h.page(c, "Delete "+ingestTitle(v.Config), "ingest", ingestSection)
	return render(c, status, views.IngestDelete(p, v))
}
