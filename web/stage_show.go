package web

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// stageShow is the stage page: the stage, its live session, one page of its
// sessions, its ingest configurations and the redundancy panel. The
// independent calls run in parallel.
func (h *handler) stageShow(c echo.Context) error {
	t, err := h.parseTarget(c)
	if err != nil {
		return err
	}
	switch c.QueryParam("fragment") {
	case "":
	case fragmentRedundancy:
		return h.redundancyFragment(c, t, views.RegionURL(string(t.Region), "/stages/"+t.StageID))
	default:
		return badRequest("“fragment” can only be “redundancy” on a stage page.")
	}
	next, err := form.ParseNextToken(c.QueryParam("next"))
	if err != nil {
		return badRequest(err.Error())
	}
	ctx := c.Request().Context()
	var (
		st                        ivs.Stage
		sessions                  ivs.Page[ivs.StageSession]
		configs                   []ivs.IngestConfiguration
		partial                   bool
		stageErr, sessErr, cfgErr error
	)
	var g errgroup.Group
	g.Go(func() error { st, stageErr = h.IVS.GetStage(ctx, t.Region, t.StageARN); return nil })
	g.Go(func() error {
		sessions, sessErr = h.IVS.ListStageSessions(ctx, t.Region, t.StageARN, ivs.ListQuery{NextToken: next, MaxResults: 20})
		return nil
	})
	g.Go(func() error { configs, partial, cfgErr = h.stageConfigs(ctx, t); return nil })
	_ = g.Wait()
	if stageErr != nil {
		if ivs.IsNotFound(stageErr) {
			return stageMissing(t)
		}
		return stageErr
	}
	if sessErr != nil {
		return sessErr
	}
	if cfgErr != nil {
		return cfgErr
	}
	v := views.StageView{Stage: st, Sessions: sessions.Items, SessionsNext: sessions.NextToken, Paged: next != "",
		Configs: configs, ConfigsPartial: partial, Now: h.Now()}

	// Second round, in parallel: the live session's times (when the page of
	// sessions does not hold it) and the redundancy assessment.
	var liveErr, redErr error
	g = errgroup.Group{}
	if st.Live() {
		for i := range sessions.Items {
			if sessions.Items[i].ID == st.ActiveSessionID {
				v.LiveSession = &sessions.Items[i]
			}
		}
		if v.LiveSession == nil {
			g.Go(func() error {
				s, err := h.IVS.GetStageSession(ctx, t.Region, t.StageARN, st.ActiveSessionID)
				if err == nil {
					v.LiveSession = &s
				} else if !ivs.IsNotFound(err) { // ended in between: show the stage anyway
					liveErr = err
				}
				return nil
			})
		}
	}
	g.Go(func() error {
		v.Redundancy, redErr = h.redundancyView(ctx, t, st, configs, views.RegionURL(string(t.Region), "/stages/"+t.StageID))
		return nil
	})
	_ = g.Wait()
	if liveErr != nil {
		return liveErr
	}
	if redErr != nil {
		return redErr
	}
	p := h.page(c, stageName(st), "stages", "/stages")
	return render(c, http.StatusOK, views.StageShow(p, v))
}

// stageConfigs lists the ingest configurations attached to a stage (one
// page of 100: a region holds at most 100 by default).
func (h *handler) stageConfigs(ctx context.Context, t browseTarget) ([]ivs.IngestConfiguration, bool, error) {
	page, err := h.IVS.ListIngestConfigurations(ctx, t.Region, ivs.IngestQuery{StageARN: t.StageARN, ListQuery: ivs.ListQuery{MaxResults: 100}})
	if err != nil {
		return nil, false, err
	}
	return page.Items, page.NextToken != "", nil
}

func stageName(s ivs.Stage) string {
	if s.Name != "" {
		return s.Name
	}
	return s.ID
}
