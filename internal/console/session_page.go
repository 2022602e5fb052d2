package console

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// SessionQuery is what a session page asks for.
type SessionQuery struct {
	Ref
	// Participants is the list's filter, page token and page size; the
	// stage ARN and session id are filled in from Ref.
	Participants ivs.ParticipantQuery
	// Refresh is a live refresh or a further page: the stage and the
	// redundancy panel are not read again.
	Refresh bool
}

// SessionPage is what the session page shows.
type SessionPage struct {
	Stage        ivs.Stage // zero on a refresh
	Session      ivs.StageSession
	Participants ivs.Page[ivs.Participant]
	// Configs are the stage's ingest configurations (the table names the
	// configuration an encoder publishes with).
	Configs []ivs.IngestConfiguration
	// Redundancy is set when the session is the stage's live one (and the
	// whole page was asked for).
	Redundancy []ivs.Redundancy
	ActiveLive bool
}

// SessionPage reads a session, one page of its participants and the stage's
// configurations in parallel, then (whole page, live session) redundancy.
func (c *Console) SessionPage(ctx context.Context, q SessionQuery) (SessionPage, error) {
	arn, err := c.StageARN(ctx, q.Region, q.StageID)
	if err != nil {
		return SessionPage{}, err
	}
	pq := q.Participants
	pq.StageARN, pq.SessionID = arn, q.SessionID
	var (
		v                                  SessionPage
		stageErr, sessErr, listErr, cfgErr error
	)
	var g errgroup.Group
	if !q.Refresh {
		g.Go(func() error { v.Stage, stageErr = c.ivs.GetStage(ctx, q.Region, arn); return nil })
	}
	g.Go(func() error { v.Session, sessErr = c.ivs.GetStageSession(ctx, q.Region, arn, q.SessionID); return nil })
	g.Go(func() error { v.Participants, listErr = c.ivs.ListParticipants(ctx, q.Region, pq); return nil })
	g.Go(func() error { v.Configs, _, cfgErr = c.stageConfigs(ctx, q.Region, arn); return nil })
	_ = g.Wait()
	if err := firstErr(missing(stageErr, ResourceStage, q.Ref, ""), missing(sessErr, ResourceSession, q.Ref, ""), listErr, cfgErr); err != nil {
		return SessionPage{}, err
	}
	if !q.Refresh && v.Stage.ActiveSessionID == q.SessionID {
		v.ActiveLive = true
		if v.Redundancy, err = c.Redundancy(ctx, q.Region, v.Stage, v.Configs); err != nil {
			return SessionPage{}, err
		}
	}
	return v, nil
}

// exportPageSize is the page size of an export: the API's maximum.
const exportPageSize = ivs.MaxPageSize

// maxExportPages bounds an export at a million rows.
const maxExportPages = 10_000

// ExportParticipants checks that the session exists, then hands every page
// of its participants (with q's filter) to fn as it arrives, so that memory
// does not grow with the session. An error before the first page comes
// back as is; firstPage tells fn it may still answer with an error page.
func (c *Console) ExportParticipants(ctx context.Context, ref Ref, q ivs.ParticipantQuery, fn func(page []ivs.Participant, firstPage bool) error) error {
	arn, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return err
	}
	if _, err := c.ivs.GetStageSession(ctx, ref.Region, arn, ref.SessionID); err != nil {
		return missing(err, ResourceSession, ref, "")
	}
	q.StageARN, q.SessionID = arn, ref.SessionID
	first := true
	_, err = eachPage(ctx, ivs.ListQuery{MaxResults: exportPageSize}, maxExportPages,
		func(ctx context.Context, lq ivs.ListQuery) (ivs.Page[ivs.Participant], error) {
			q.ListQuery = lq
			return c.ivs.ListParticipants(ctx, ref.Region, q)
		},
		func(p ivs.Page[ivs.Participant]) error {
			err := fn(p.Items, first)
			first = false
			return err
		})
	return err
}
