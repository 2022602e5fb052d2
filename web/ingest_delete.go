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
	cfg, err := h.ingestParam(c, "id")
	if err != nil {
		return err
	}
	return h.renderIngestDelete(c, http.StatusOK, views.IngestDeleteView{Config: cfg})
}

// ingestDelete deletes (audited), forcing only when the user ticked "force".
func (h *handler) ingestDelete(c echo.Context) error {
	cfg, err := h.ingestParam(c, "id")
	if err != nil {
		return err
	}
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := form.ParseDeleteForm(vals)
	if err := h.console.DeleteIngest(c.Request().Context(), actorOf(c), regionOf(c), cfg, f.Force); err != nil {
		status, msg, err := deleteRefused(err, &cfg, "IVS refused to delete it because it is ACTIVE: an encoder is publishing with it. Nothing was deleted. Tick “Force” to disconnect the publisher and delete it anyway.")
		if err != nil {
			return err
		}
		return h.renderIngestDelete(c, status, views.IngestDeleteView{Config: cfg, Force: f.Force, Message: msg})
	}
	msg := "Deleted the ingest configuration " + views.Quoted(cfg) + ": its keys no longer work."
	if f.Force {
		msg = "Force-deleted the ingest configuration " + views.Quoted(cfg) + ": its publisher was disconnected and its keys no longer work."
	}
	addFlash(c, flashOK, msg)
	return redirect(c, views.IngestListURL(string(regionOf(c))))
}

// deleteRefused puts a failed delete into words for its form. A conflict
// marks cfg ACTIVE (IVS says it is now) and says conflictMsg. err is set for
// failures the central error handler answers.
func deleteRefused(err error, cfg *ivs.IngestConfiguration, conflictMsg string) (int, string, error) {
	status, _, msg, ok := formProblem(err, "the deletion")
	if !ok {
		return 0, "", err
	}
	if ivs.KindOf(err) == ivs.KindConflict {
		cfg.State = ivs.IngestActive
		msg = conflictMsg + auditNote(err)
	}
	return status, msg, nil
}

func (h *handler) renderIngestDelete(c echo.Context, status int, v views.IngestDeleteView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	p := h.page(c, "Delete "+v.Config.DisplayName(), "ingest", ingestSection)
	return render(c, status, views.IngestDelete(p, v))
}
