package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
)

const (
	fragmentRedundancy       = "redundancy" // the redundancy panel alone
	redundancyRefreshSeconds = 10
)

// redundancyPanel answers a panel refresh of a stage or session page
// (?fragment=redundancy). On a session page the panel goes away once that
// session is no longer the stage's live one.
func (h *handler) redundancyPanel(c echo.Context, ref console.Ref) error {
	lr, err := h.console.LiveRedundancy(c.Request().Context(), ref)
	if err != nil {
		return err
	}
	if !lr.Live {
		return render(c, http.StatusOK, views.RedundancyPanel(views.RedundancyView{}))
	}
	return render(c, http.StatusOK, views.RedundancyPanel(h.redundancyView(ref, lr.Stage, lr.Items)))
}

// redundancyView is the panel's view model for the stage's live session,
// with the refresh address (the page's own) that keeps it current.
func (h *handler) redundancyView(ref console.Ref, st ivs.Stage, items []ivs.Redundancy) views.RedundancyView {
	region := string(ref.Region)
	v := views.RedundancyView{Region: region, StageID: ref.StageID, SessionID: st.ActiveSessionID, Now: h.Now()}
	if !st.Live() {
		return v
	}
	v.Items = items
	v.ParticipantBase = views.SessionURL(region, ref.StageID, st.ActiveSessionID) + "/participants/"
	page := views.StageURL(region, ref.StageID)
	if ref.SessionID != "" {
		page = views.SessionURL(region, ref.StageID, ref.SessionID)
	}
	v.RefreshURL, v.RefreshSeconds = page+"?fragment="+fragmentRedundancy, redundancyRefreshSeconds
	return v
}
