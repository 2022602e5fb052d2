package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// ingestList shows a region's ingest configurations, one API page at a
// time, filtered by stage or by state (the API takes one filter at a time),
// with the current page sorted by a column.
func (h *handler) ingestList(c echo.Context) error {
	q, problem := form.ParseIngestListQuery(c.QueryParams())
	if problem != "" {
		return badRequest(problem)
	}
	ctx, region := c.Request().Context(), regionOf(c)
	iq := ivs.IngestQuery{ListQuery: ivs.ListQuery{NextToken: q.Next, MaxResults: 100}, State: q.State}
	if q.Stage != "" {
		arn, err := h.stageARN(c, q.Stage)
		if err != nil {
			return err
		}
		iq.StageARN = arn
	}
	var (
		page      ivs.Page[ivs.IngestConfiguration]
		stages    []ivs.Stage
		stagesErr error
	)
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		page, err = h.IVS.ListIngestConfigurations(gctx, region, iq)
		return err
	})
	g.Go(func() error {
		// Names are a nicety: without them the list shows stage ids.
		stages, stagesErr = h.ingestStages(gctx, region)
		return nil
	})
	if err := g.Wait(); err != nil {
		return err
	}
	names := map[string]string{}
	for _, s := range stages {
		names[s.ID] = s.Name
	}
	v := views.IngestListView{
		Stage: q.Stage, State: q.State, Sort: q.Sort, Next: q.Next, NextToken: page.NextToken,
		Stages: ingestStageOptions(stages), StageName: names[q.Stage], OneFilter: form.OneFilterRule,
	}
	for _, cfg := range page.Items {
		if cfg.ID == "" {
			cfg.ID = ivs.IDFromARN(cfg.ARN)
		}
		sid := ivs.IDFromARN(cfg.StageARN)
		v.Rows = append(v.Rows, views.IngestRow{Config: cfg, StageID: sid, StageName: names[sid], Flags: ingestFlags(cfg)})
	}
	sortIngestRows(v.Rows, q.Sort)
	if stagesErr != nil && len(v.Rows) > 0 {
		h.Logger.Warn("ingest list: stage names unavailable", "request_id", requestID(c), "error", safeErrorText(stagesErr))
	}
	p := h.page(c, "Ingest configurations", "ingest", ingestSection)
	return render(c, http.StatusOK, views.IngestList(p, v))
}

// sortIngestRows sorts the current page by a column; "-col" is descending.
func sortIngestRows(rows []views.IngestRow, by string) {
	if by == "" {
		return
	}
	desc := strings.HasPrefix(by, "-")
	col := strings.TrimPrefix(by, "-")
	key := func(r views.IngestRow) string {
		switch col {
		case "protocol":
			return r.Config.Protocol
		case "stage":
			if r.StageName != "" {
				return strings.ToLower(r.StageName)
			}
			return strings.ToLower(r.StageID)
		case "state":
			return r.Config.State
		case "user":
			return strings.ToLower(r.Config.UserID)
		case "redundant":
			if r.Config.RedundantIngest {
				return "1"
			}
			return "0"
		}
		return strings.ToLower(r.Config.Name)
	}
	slices.SortStableFunc(rows, func(a, b views.IngestRow) int {
		n := cmp.Compare(key(a), key(b))
		if n == 0 {
			n = cmp.Compare(a.Config.ID, b.Config.ID)
		}
		if desc {
			return -n
		}
		return n
	})
}
