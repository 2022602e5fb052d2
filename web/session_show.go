package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// sessionPageSize is the participants per page: 50 rows keep the whole
// first page (HTML, CSS and JS) under 100 KB.
const sessionPageSize = 50

// Fragments of the session page that htmx asks for.
const (
	fragmentLive  = "live"  // the live refresh of the first page
	fragmentMore  = "more"  // a further page, appended
	fragmentChart = "chart" // participants over time, loaded after the page
)

// sessionShow is the session page, its live refresh, its "load more" and
// its redundancy panel.
func (h *handler) sessionShow(c echo.Context) error {
	if _, err := parseRef(c); err != nil {
		return err
	}
	// The filter bar sends by= and all its fields: answer with the
	// canonical address of the one filter it names.
	if query, has, err := form.FilterBarQuery(c.QueryParams()); has {
		if err != nil {
			return badQuery(err)
		}
		to := c.Request().URL.Path
		if query != "" {
			to += "?" + query
		}
		return c.Redirect(http.StatusSeeOther, to)
	}
	ref, f, fragment, shown, err := parseSessionQuery(c)
	if err != nil {
		return err
	}
	switch fragment {
	case fragmentRedundancy:
		return h.redundancyPanel(c, ref)
	case fragmentChart:
		return h.sessionChart(c, ref)
	}
	q := console.SessionQuery{Ref: ref, Refresh: fragment != ""}
	q.Participants.MaxResults = sessionPageSize
	f.Apply(&q.Participants)
	sp, err := h.console.SessionPage(c.Request().Context(), q)
	if err != nil {
		return err
	}
	tbl := h.participantTable(ref, f, sp, shown, fragment != fragmentMore && f.Next == "")
	switch fragment {
	case fragmentLive:
		return render(c, http.StatusOK, views.SessionPoll(tbl, h.liveNote(c, &tbl)))
	case fragmentMore:
		return render(c, http.StatusOK, views.SessionMore(tbl))
	}
	v := views.SessionView{Stage: sp.Stage, Session: sp.Session, Table: tbl, Now: tbl.Now, ChartURL: ref.SessionID + "?fragment=" + fragmentChart}
	if sp.ActiveLive {
		v.Redundancy = h.redundancyView(ref, sp.Stage, sp.Redundancy)
		v.Redundancy.ParticipantBase = ref.SessionID + "/participants/" // short links keep the page light
	}
	p := h.page(c, "Session "+ref.SessionID+" · "+sp.Stage.DisplayName(), "stages", "/stages")
	return render(c, http.StatusOK, views.SessionShow(p, v))
}

// parseSessionQuery reads the session page's address: ids, the one
// filter, the fragment asked for and the rows shown before this page.
func parseSessionQuery(c echo.Context) (ref console.Ref, f form.ParticipantFilter, fragment string, shown int, err error) {
	if ref, err = parseRef(c); err != nil {
		return
	}
	if f, err = form.ParseParticipantFilter(c.QueryParams()); err != nil {
		err = badQuery(err)
		return
	}
	switch fragment = c.QueryParam("fragment"); fragment {
	case "", fragmentLive, fragmentMore, fragmentRedundancy, fragmentChart:
	default:
		err = badQuery(&form.ParamError{Params: []string{"fragment"}, Err: errors.New("“fragment” can only be “live”, “more”, “redundancy” or “chart”.")})
		return
	}
	if shown, err = shownParam(c); err != nil {
		err = badQuery(&form.ParamError{Params: []string{"shown", form.ParamNext}, Err: err})
		return
	}
	if fragment == fragmentLive {
		f.Next, shown = "", 0 // a refresh is always of the first page, whatever the address says
	}
	if fragment == fragmentMore && f.Next == "" {
		err = badQuery(&form.ParamError{Params: []string{"fragment", "shown"}, Err: errors.New("“Load more” needs the page token of the next page (next=).")})
	}
	return
}

// participantTable builds the table's view model.
func (h *handler) participantTable(ref console.Ref, f form.ParticipantFilter, sp console.SessionPage, shown int, firstPage bool) views.ParticipantTable {
	live := sp.Session.Live()
	tbl := views.ParticipantTable{
		Region:    string(ref.Region),
		Path:      ref.SessionID, // relative to the session page itself
		SessionID: ref.SessionID,
		Filter: views.SessionFilter{Kind: f.Kind(), State: f.State, Published: f.PublishedOnly, UserID: f.UserID,
			RecordingState: f.RecordingState, Query: f.Query()},
		Rows:    sp.Participants.Items,
		Next:    sp.Participants.NextToken,
		Shown:   shown,
		Live:    live,
		Polling: live && firstPage,
		Configs: make(map[string]views.ConfigRef, len(sp.Configs)),
		Now:     h.Now(),
	}
	tbl.Snapshot = snapshotOf(tbl.Rows)
	for _, c := range sp.Configs {
		tbl.Configs[c.ARN] = views.ConfigRef{ID: c.ID, Name: c.Name, Protocol: c.Protocol}
	}
	return tbl
}

// liveNote marks the rows that changed since the viewer's snapshot and says
// when the table was updated (an exact time, which follows the reader's
// Times choice).
func (h *handler) liveNote(c echo.Context, tbl *views.ParticipantTable) views.LiveNote {
	marks, n, ok := changedRows(c.Request().Header.Get(snapshotHeader), tbl.Rows)
	tbl.Changed = marks
	note := views.LiveNote{At: h.Now(), Ended: !tbl.Live}
	if ok {
		note.Changed = views.Plural(n, "row", "rows") + " changed"
	}
	return note
}

// sessionChart is the participants-over-time chart, which the page loads
// after itself (it keeps the first page light). Without history there is
// nothing to draw, and it says so.
func (h *handler) sessionChart(c echo.Context, ref console.Ref) error {
	sess, samples, err := h.console.SessionChart(c.Request().Context(), ref)
	if err != nil && !errors.Is(err, console.ErrNoHistory) {
		return err
	}
	return render(c, http.StatusOK, views.ChartFigure("participants-chart", *participantChart(sess, samples, h.Now())))
}
