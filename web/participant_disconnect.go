package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// participantDisconnectConfirm asks before a disconnect (operators only).
func (h *handler) participantDisconnectConfirm(c echo.Context) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	pt, err := h.console.Participant(c.Request().Context(), ref)
	if err != nil {
		return err
	}
	v := disconnectView(ref)
	v.UserID = pt.UserID
	return render(c, http.StatusOK, views.DisconnectConfirm(h.page(c, "Disconnect "+ref.ParticipantID, "stages", "/stages"), v))
}

// participantDisconnect disconnects a participant (operators only, CSRF
// checked by the middleware). A form posted without confirm=yes (a browser
// without JavaScript) gets the confirmation page first; htmx asks with
// hx-confirm and adds confirm=yes. The action is audited with its outcome.
func (h *handler) participantDisconnect(c echo.Context) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	params, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	d, errs := form.ParseDisconnect(params)
	v := disconnectView(ref)
	v.Reason, v.Errors = d.Reason, errs
	p := h.page(c, "Disconnect "+ref.ParticipantID, "stages", "/stages")
	if errs.Any() {
		if isHTMX(c) {
			// The participant page's inline form has nowhere to show the
			// message: answer with the confirmation page in its place.
			c.Response().Header().Set("HX-Retarget", "body")
			c.Response().Header().Set("HX-Reswap", "innerHTML")
			c.Response().Header().Set("HX-Push-Url", views.ParticipantURL(string(ref.Region), ref.StageID, ref.SessionID, ref.ParticipantID)+"/disconnect")
		}
		return render(c, http.StatusUnprocessableEntity, views.DisconnectConfirm(p, v))
	}
	if params.Get("confirm") != "yes" {
		return render(c, http.StatusOK, views.DisconnectConfirm(p, v))
	}
	if err := h.console.Disconnect(c.Request().Context(), actorOf(c), ref, d.Reason); err != nil {
		return err
	}
	addFlash(c, flashOK, "Participant "+ref.ParticipantID+" was disconnected.")
	return redirect(c, views.ParticipantURL(string(ref.Region), ref.StageID, ref.SessionID, ref.ParticipantID))
}

func disconnectView(ref console.Ref) views.DisconnectView {
	return views.DisconnectView{StageID: ref.StageID, SessionID: ref.SessionID, ParticipantID: ref.ParticipantID}
}
