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
	status, msg, err := h.deleteAudited(c, &cfg, f.Force, action, "", "IVS refused to delete it because it is ACTIVE: an encoder is publishing with it. Nothing was deleted. Tick “Force” to disconnect the publisher and delete it anyway.")
	if err != nil {
		return err
	}
	if status != 0 {
		return h.renderIngestDelete(c, status, views.IngestDeleteView{Config: cfg, Force: f.Force, Message: msg})
	}
	msg = "Deleted the ingest configuration " + ingestDisplayName(cfg) + ": its keys no longer work."
	if f.Force {
		msg = "Force-deleted the ingest configuration " + ingestDisplayName(cfg) + ": its publisher was disconnected and its keys no longer work."
	}
	addFlash(c, flashOK, msg)
	return redirect(c, views.RegionURL(string(regionOf(c)), ingestSection))
}

// deleteAudited deletes a configuration and audits the attempt, whatever its
// outcome. When IVS refuses in a way the form can explain it returns the
// status and message to show (a conflict marks cfg ACTIVE, since IVS says it
// is now); status 0 means deleted. err is for the central error handler.
func (h *handler) deleteAudited(c echo.Context, cfg *ivs.IngestConfiguration, force bool, action, detail, conflictMsg string) (int, string, error) {
	err := h.IVS.DeleteIngestConfiguration(c.Request().Context(), regionOf(c), cfg.ARN, force)
	if err == nil {
		if h.audit(c, action, cfg.ARN, nil, detail) != nil {
			return 0, "", auditUnavailable(true)
		}
		return 0, "", nil
	}
	auditErr := h.audit(c, action, cfg.ARN, err, detail)
	if ivs.KindOf(err) == ivs.KindNotFound {
		return 0, "", ingestNotFound(c, cfg.ID, err)
	}
	status, _, msg, ok := ingestUpstreamMessage(err, "the deletion")
	if !ok {
		return 0, "", err
	}
	if ivs.KindOf(err) == ivs.KindConflict {
		cfg.State = ivs.IngestActive
		msg = conflictMsg
	}
	if auditErr != nil {
		msg += ingestAuditNote
	}
	return status, msg, nil
}

func (h *handler) renderIngestDelete(c echo.Context, status int, v views.IngestDeleteView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	p := h.page(c, "Delete "+ingestTitle(v.Config), "ingest", ingestSection)
	return render(c, status, views.IngestDelete(p, v))
}
