package web

import (
	"context"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
)

// maxEventPages bounds how many pages of a participant's timeline one page
// view follows (100 events each).
const maxEventPages = 20

// participantShow is the participant page: GetParticipant and the whole
// event timeline, fetched in parallel.
func (h *handler) participantShow(c echo.Context) error {
	t, err := h.parseTarget(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var (
		pt              ivs.Participant
		events          []ivs.ParticipantEvent
		truncated       bool
		ptErr, eventErr error
	)
	var g errgroup.Group
	g.Go(func() error {
		pt, ptErr = h.IVS.GetParticipant(ctx, t.Region, t.StageARN, t.SessionID, t.ParticipantID)
		return nil
	})
	g.Go(func() error { events, truncated, eventErr = h.participantEvents(ctx, t); return nil })
	_ = g.Wait()
	if ptErr != nil {
		if ivs.IsNotFound(ptErr) {
			return participantMissing(t)
		}
		return ptErr
	}
	if eventErr != nil && !ivs.IsNotFound(eventErr) {
		return eventErr
	}
	v := views.ParticipantView{StageID: t.StageID, SessionID: t.SessionID, Participant: pt, Events: events,
		EventsTruncated: truncated, Now: h.Now()}
	if pt.SourceStageARN != "" {
		if a, err := ivs.ParseARN(pt.SourceStageARN, ivs.ResourceStage); err == nil && slices.Contains(h.Regions, a.Region) {
			v.SourceRegion, v.SourceStageID = string(a.Region), a.ID
		}
	}
	p := h.page(c, "Participant "+t.ParticipantID, "stages", "/stages")
	return render(c, http.StatusOK, views.ParticipantShow(p, v))
}

// participantEvents follows every page of the timeline, up to maxEventPages.
func (h *handler) participantEvents(ctx context.Context, t browseTarget) ([]ivs.ParticipantEvent, bool, error) {
	var out []ivs.ParticipantEvent
	q := ivs.ListQuery{MaxResults: 100}
	for range maxEventPages {
		page, err := h.IVS.ListParticipantEvents(ctx, t.Region, t.StageARN, t.SessionID, t.ParticipantID, q)
		if err != nil {
			return nil, false, err
		}
		out = append(out, page.Items...)
		if page.NextToken == "" {
			return out, false, nil
		}
		q.NextToken = page.NextToken
	}
	return out, true, nil
}
