package web

import (
	"cmp"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
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
	l, err := h.console.IngestList(c.Request().Context(), regionOf(c), console.IngestListQuery{StageID: q.Stage, State: q.State, Next: q.Next})
	if err != nil {
		return err
	}
	if l.StagesErr != nil && len(l.Page.Items) > 0 {
		h.Logger.Warn("ingest list: stage names unavailable", "request_id", requestID(c), "error", safeErrorText(l.StagesErr))
	}
	names := stageNames(l.Stages)
	v := views.IngestListView{
		Stage: q.Stage, State: q.State, Sort: q.Sort, Next: q.Next, NextToken: l.Page.NextToken,
		Stages: stageOptions(l.Stages), StageName: names[q.Stage], OneFilter: form.OneFilterRule,
	}
	snap := h.liveSnapshot()
	for _, cfg := range l.Page.Items {
		sid := ivs.IDFromARN(cfg.StageARN)
		row := views.IngestRow{Config: cfg, StageID: sid, StageName: names[sid], Flags: cfg.Hygiene()}
		if p, _ := snap.Pair(regionOf(c), cfg.ARN); p != nil {
			row.Protection = p.Protection
		}
		v.Rows = append(v.Rows, row)
	}
	sortIngestRows(v.Rows, q.Sort)
	p := h.page(c, "Ingest configurations", "ingest", ingestSection)
	if isHTMX(c) && c.Request().Header.Get("HX-Target") == "ingest-table" {
		return render(c, http.StatusOK, views.IngestTable(p, v)) // its own refresh
	}
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
