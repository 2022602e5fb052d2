package web

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// sessionPageSize is the participants per page: 50 rows keep the whole
// first page (HTML, CSS and JS) under 100 KB.
const sessionPageSize = 50

// Fragments of the session page that htmx asks for.
const (
	fragmentLive = "live" // the live refresh of the first page
	fragmentMore = "more" // a further page, appended
)

// sessionShow is the session page, its live refresh and its "load more".
func (h *handler) sessionShow(c echo.Context) error {
	t, err := h.parseTarget(c)
	if err != nil {
		return err
	}
	f, err := form.ParseParticipantFilter(c.QueryParams())
	if err != nil {
		return badRequest(err.Error())
	}
	fragment := c.QueryParam("fragment")
	if fragment != "" && fragment != fragmentLive && fragment != fragmentMore && fragment != fragmentRedundancy {
		return badRequest("“fragment” can only be “live”, “more” or “redundancy”.")
	}
	pagePath := views.RegionURL(string(t.Region), "/stages/"+t.StageID+"/sessions/"+t.SessionID)
	if fragment == fragmentRedundancy {
		return h.redundancyFragment(c, t, pagePath)
	}
	shown, err := shownParam(c)
	if err != nil {
		return err
	}
	if fragment == fragmentLive {
		// A refresh is always of the first page, whatever the address says.
		f.Next, shown = "", 0
	}
	if fragment == fragmentMore && f.Next == "" {
		return badRequest("“Load more” needs the page token of the next page (next=).")
	}

	ctx := c.Request().Context()
	var (
		st                                 ivs.Stage
		sess                               ivs.StageSession
		page                               ivs.Page[ivs.Participant]
		configs                            []ivs.IngestConfiguration
		stageErr, sessErr, listErr, cfgErr error
	)
	q := ivs.ParticipantQuery{StageARN: t.StageARN, SessionID: t.SessionID, ListQuery: ivs.ListQuery{MaxResults: sessionPageSize}}
	f.Apply(&q)
	var g errgroup.Group
	if fragment == "" {
		g.Go(func() error { st, stageErr = h.IVS.GetStage(ctx, t.Region, t.StageARN); return nil })
	}
	g.Go(func() error {
		sess, sessErr = h.IVS.GetStageSession(ctx, t.Region, t.StageARN, t.SessionID)
		return nil
	})
	g.Go(func() error { page, listErr = h.IVS.ListParticipants(ctx, t.Region, q); return nil })
	g.Go(func() error { configs, _, cfgErr = h.stageConfigs(ctx, t); return nil })
	_ = g.Wait()
	switch {
	case stageErr != nil && ivs.IsNotFound(stageErr):
		return stageMissing(t)
	case stageErr != nil:
		return stageErr
	case sessErr != nil && ivs.IsNotFound(sessErr):
		return sessionMissing(t)
	case sessErr != nil:
		return sessErr
	case listErr != nil:
		return listErr
	case cfgErr != nil:
		return cfgErr
	}

	tbl := h.participantTable(t, f, page, shown, sess.Live(), fragment != fragmentMore && f.Next == "", configs)
	switch fragment {
	case fragmentLive:
		marks, n, ok := changedRows(c.Request().Header.Get(snapshotHeader), tbl.Rows)
		tbl.Changed = marks
		note := "Updated " + h.Now().UTC().Format("15:04:05") + " UTC"
		if ok {
			note += ": " + plural(n, "row", "rows") + " changed"
		}
		if !tbl.Live {
			note = "The session has ended."
		}
		return render(c, http.StatusOK, views.SessionPoll(tbl, note))
	case fragmentMore:
		return render(c, http.StatusOK, views.SessionMore(tbl))
	}

	v := views.SessionView{Stage: st, Session: sess, Table: tbl, Now: tbl.Now}
	if st.ActiveSessionID == t.SessionID {
		if v.Redundancy, err = h.redundancyView(ctx, t, st, configs, pagePath); err != nil {
			return err
		}
		// Links within the session page stay short (page weight).
		v.Redundancy.ParticipantBase = t.SessionID + "/participants/"
	}
	p := h.page(c, "Session "+t.SessionID+" · "+stageName(st), "stages", "/stages")
	return render(c, http.StatusOK, views.SessionShow(p, v))
}

// participantTable builds the table's view model.
func (h *handler) participantTable(t browseTarget, f form.ParticipantFilter, page ivs.Page[ivs.Participant], shown int, live, firstPage bool, configs []ivs.IngestConfiguration) views.ParticipantTable {
	tbl := views.ParticipantTable{
		Region:    string(t.Region),
		Path:      t.SessionID, // relative to the session page itself
		SessionID: t.SessionID,
		Filter: views.SessionFilter{Kind: f.Kind(), State: f.State, Published: f.PublishedOnly, UserID: f.UserID,
			RecordingState: f.RecordingState, Query: f.Query()},
		Rows:    page.Items,
		Next:    page.NextToken,
		Shown:   shown,
		Live:    live,
		Polling: live && firstPage,
		Configs: make(map[string]views.ConfigRef, len(configs)),
		Now:     h.Now(),
	}
	tbl.Snapshot = snapshotOf(tbl.Rows)
	for _, c := range configs {
		tbl.Configs[c.ARN] = views.ConfigRef{ID: c.ID, Name: c.Name, Protocol: c.Protocol}
	}
	return tbl
}

// shownParam reads ?shown=, how many rows the pages before this one held.
func shownParam(c echo.Context) (int, error) {
	s := c.QueryParam("shown")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 10_000_000 {
		return 0, badRequest("“shown” must be a count of rows (a whole number).")
	}
	return n, nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
