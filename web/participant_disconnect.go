package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// participantDisconnectConfirm asks before a disconnect (operators only).
func (h *handler) participantDisconnectConfirm(c echo.Context) error {
	t, err := h.parseTarget(c)
	if err != nil {
		return err
	}
	pt, err := h.IVS.GetParticipant(c.Request().Context(), t.Region, t.StageARN, t.SessionID, t.ParticipantID)
	if err != nil {
		if ivs.IsNotFound(err) {
			return participantMissing(t)
		}
		return err
	}
	v := views.DisconnectView{StageID: t.StageID, SessionID: t.SessionID, ParticipantID: t.ParticipantID, UserID: pt.UserID}
	return render(c, http.StatusOK, views.DisconnectConfirm(h.page(c, "Disconnect "+t.ParticipantID, "stages", "/stages"), v))
}

// participantDisconnect disconnects a participant (operators only, CSRF
// checked by the middleware). A form posted without confirm=yes (a browser
// without JavaScript) gets the confirmation page first; htmx asks with
// hx-confirm and adds confirm=yes. The action is audited with its outcome.
func (h *handler) participantDisconnect(c echo.Context) error {
	t, err := h.parseTarget(c)
	if err != nil {
		return err
	}
	params, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	d, errs := form.ParseDisconnect(params)
	v := views.DisconnectView{StageID: t.StageID, SessionID: t.SessionID, ParticipantID: t.ParticipantID, Reason: d.Reason}
	p := h.page(c, "Disconnect "+t.ParticipantID, "stages", "/stages")
	if errs.Any() {
		v.Errors = errs
		if isHTMX(c) {
			// The participant page's inline form has nowhere to show the
			// message: answer with the confirmation page in its place.
			c.Response().Header().Set("HX-Retarget", "body")
			c.Response().Header().Set("HX-Reswap", "innerHTML")
			c.Response().Header().Set("HX-Push-Url", t.participantPath()+"/disconnect")
		}
		return render(c, http.StatusUnprocessableEntity, views.DisconnectConfirm(p, v))
	}
	if params.Get("confirm") != "yes" {
		return render(c, http.StatusOK, views.DisconnectConfirm(p, v))
	}
	ctx := c.Request().Context()
	actionErr := h.IVS.DisconnectParticipant(ctx, t.Region, t.StageARN, t.ParticipantID, d.Reason)
	detail := "participant " + t.ParticipantID + " of session " + t.SessionID + "; reason: " + d.Reason
	auditErr := h.audit(c, ActionDisconnect, t.StageARN, actionErr, detail)
	if actionErr != nil {
		if ivs.IsNotFound(actionErr) {
			return participantMissing(t)
		}
		return actionErr
	}
	if auditErr != nil {
		return auditUnavailable(true)
	}
	addFlash(c, flashOK, "Participant "+t.ParticipantID+" was disconnected.")
	return redirect(c, t.participantPath())
}
