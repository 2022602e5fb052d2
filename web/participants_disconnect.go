package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// participantsDisconnectPage lists one page of a session's connected
// participants to select and disconnect with one reason (operators).
func (h *handler) participantsDisconnectPage(c echo.Context) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	next, err := nextParam(c)
	if err != nil {
		return err
	}
	v, err := h.connectedView(c, ref, next)
	if err != nil {
		return err
	}
	return h.renderParticipantsDisconnect(c, http.StatusOK, v)
}

// participantsDisconnect is the selection's POST: without confirm=yes it
// asks (the confirmation page), with it it disconnects each selected
// participant (each checked to belong to the session, each audited) and
// says what became of each.
func (h *handler) participantsDisconnect(c echo.Context) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	params, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	b, errs := form.ParseBulkDisconnect(params, console.MaxDisconnectMany)
	if errs.Any() {
		v, err := h.connectedView(c, ref, "")
		if err != nil {
			return err
		}
		v.Reason, v.Errors = b.Reason, errs
		for _, id := range b.IDs {
			v.Selected[id] = true
		}
		return h.renderParticipantsDisconnect(c, http.StatusUnprocessableEntity, v)
	}
	if params.Get("confirm") != "yes" {
		p := h.page(c, "Disconnect "+views.Plural(len(b.IDs), "participant", "participants"), "stages", "/stages")
		return render(c, http.StatusOK, views.ParticipantsDisconnectConfirm(p, views.ParticipantsDisconnectConfirmView{
			StageID: ref.StageID, SessionID: ref.SessionID, IDs: b.IDs, Reason: b.Reason}))
	}
	results, err := h.console.DisconnectMany(c.Request().Context(), actorOf(c), ref, b.IDs, b.Reason)
	if err != nil {
		return err
	}
	v := views.ParticipantsDisconnectResultsView{StageID: ref.StageID, SessionID: ref.SessionID, Reason: b.Reason}
	for _, r := range results {
		v.Rows = append(v.Rows, resultRow(r))
	}
	return render(c, http.StatusOK, views.ParticipantsDisconnectResults(h.page(c, "Disconnect results", "stages", "/stages"), v))
}

func (h *handler) connectedView(c echo.Context, ref console.Ref, next string) (views.ParticipantsDisconnectView, error) {
	conn, err := h.console.ConnectedParticipants(c.Request().Context(), ref, next)
	if err != nil {
		return views.ParticipantsDisconnectView{}, err
	}
	return views.ParticipantsDisconnectView{Stage: conn.Stage, Session: conn.Session, Rows: conn.Participants.Items, Next: conn.Participants.NextToken,
		Paged: next != "", Selected: map[string]bool{}, Max: console.MaxDisconnectMany, Now: h.Now()}, nil
}

// resultRow puts one participant's result into words.
func resultRow(r console.DisconnectResult) views.DisconnectResultRow {
	row := views.DisconnectResultRow{ParticipantID: r.ParticipantID, UserID: r.UserID, NotAudited: r.NotAudited}
	switch r.Outcome {
	case console.Disconnected:
		row.Outcome = "disconnected"
	case console.AlreadyGone:
		row.Outcome = "gone"
	default:
		row.Outcome, row.Why = "failed", failureWords(r.Err)
	}
	return row
}

// failureWords says why one disconnect failed, in words for the page.
func failureWords(err error) string {
	var de *ivs.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, console.ErrNotInSession):
		return "Not a participant of this session: nothing was sent to IVS."
	case errors.As(err, &de):
		switch de.Kind {
		case ivs.KindThrottled:
			return "IVS (or Greenroom's call budget) is rate-limiting this account: try this one again in a few seconds."
		case ivs.KindUnavailable:
			return "IVS did not answer (" + de.Message + "): try again."
		case ivs.KindAccessDenied:
			return "Greenroom's AWS credentials are not allowed to disconnect participants (" + de.Op + ")."
		}
		return "IVS refused: " + de.Message
	}
	return ivs.RedactStreamKeys(err.Error())
}

func (h *handler) renderParticipantsDisconnect(c echo.Context, status int, v views.ParticipantsDisconnectView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	return render(c, status, views.ParticipantsDisconnect(h.page(c, "Disconnect participants of "+v.Session.ID, "stages", "/stages"), v))
}
