package web

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
)

const (
	fragmentRedundancy       = "redundancy" // the redundancy panel alone
	redundancyRefreshSeconds = 10
)

// redundancyView builds the panel for the stage's live session, with the
// refresh address that keeps it current while the session is live.
func (h *handler) redundancyView(ctx context.Context, t browseTarget, st ivs.Stage, configs []ivs.IngestConfiguration, pagePath string) (views.RedundancyView, error) {
	v := views.RedundancyView{Region: string(t.Region), StageID: t.StageID, SessionID: st.ActiveSessionID, Now: h.Now()}
	if !st.Live() {
		return v, nil
	}
	v.ParticipantBase = views.RegionURL(string(t.Region), "/stages/"+t.StageID+"/sessions/"+st.ActiveSessionID+"/participants/")
	v.RefreshURL, v.RefreshSeconds = pagePath+"?fragment="+fragmentRedundancy, redundancyRefreshSeconds
	var err error
	v.Items, err = h.redundancyFor(ctx, t.Region, st, configs)
	return v, err
}

// redundancyFragment answers a panel refresh of a stage or session page. On
// a session page (t.SessionID set) the panel goes away once that session is
// no longer the stage's live one.
func (h *handler) redundancyFragment(c echo.Context, t browseTarget, pagePath string) error {
	ctx := c.Request().Context()
	var (
		st               ivs.Stage
		configs          []ivs.IngestConfiguration
		stageErr, cfgErr error
	)
	var g errgroup.Group
	g.Go(func() error { st, stageErr = h.IVS.GetStage(ctx, t.Region, t.StageARN); return nil })
	g.Go(func() error { configs, _, cfgErr = h.stageConfigs(ctx, t); return nil })
	_ = g.Wait()
	if stageErr != nil {
		return stageErr
	}
	if cfgErr != nil {
		return cfgErr
	}
	if t.SessionID != "" && st.ActiveSessionID != t.SessionID {
		return render(c, http.StatusOK, views.RedundancyPanel(views.RedundancyView{}))
	}
	v, err := h.redundancyView(ctx, t, st, configs, pagePath)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.RedundancyPanel(v))
}
