package console

import (
	"context"
	"errors"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// MaxDisconnectMany is how many participants one bulk disconnect takes:
// at the console's call budget (2 calls/s per operation) fifty take about
// half a minute, well within a request.
const MaxDisconnectMany = 50

// DisconnectOutcome is what became of one participant of a bulk disconnect.
type DisconnectOutcome int

const (
	// Disconnected: IVS disconnected the participant.
	Disconnected DisconnectOutcome = iota
	// AlreadyGone: the participant had left (or was disconnected) already.
	AlreadyGone
	// DisconnectFailed: not disconnected; Err says why.
	DisconnectFailed
)

// ErrNotInSession is a bulk disconnect's answer for an id that is no
// participant of the session it names: nothing is sent to IVS for it.
var ErrNotInSession = errors.New("not a participant of this session: nothing was sent to IVS")

// DisconnectResult is one participant's result.
type DisconnectResult struct {
	ParticipantID string
	UserID        string
	Outcome       DisconnectOutcome
	Err           error
	// NotAudited: the audit log could not record this participant's record.
	NotAudited bool
}

// DisconnectMany disconnects the participants ids of the session ref names
// with one reason, one after the other. Each is checked to belong to the
// session and to be connected, each gets its own audit record
// (participant.disconnect) whatever became of it, and each has its result.
func (c *Console) DisconnectMany(ctx context.Context, a Actor, ref Ref, ids []string, reason string) ([]DisconnectResult, error) {
	if err := c.canAudit(); err != nil {
		return nil, err
	}
	if len(ids) > MaxDisconnectMany {
		return nil, fmt.Errorf("at most %d participants at a time", MaxDisconnectMany)
	}
	arn, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return nil, err
	}
	out := make([]DisconnectResult, 0, len(ids))
	for _, id := range ids {
		r := ref
		r.ParticipantID = id
		out = append(out, c.disconnectOne(ctx, a, r, arn, reason))
	}
	return out, nil
}

func (c *Console) disconnectOne(ctx context.Context, a Actor, ref Ref, arn, reason string) DisconnectResult {
	res := DisconnectResult{ParticipantID: ref.ParticipantID}
	detail := "participant " + ref.ParticipantID + " of session " + ref.SessionID + "; reason: " + reason
	// refused records a participant for whom nothing is sent to IVS.
	refused := func(outcome DisconnectOutcome, why error) DisconnectResult {
		res.Outcome, res.Err = outcome, why
		res.NotAudited = c.record(ctx, a, ref.Region, audit.ActionParticipantDisconnect, arn, why, detail) != nil
		return res
	}
	if err := ctx.Err(); err != nil {
		return refused(DisconnectFailed, errors.New("not tried: the request ended before its turn"))
	}
	p, err := c.ivs.GetParticipant(ctx, ref.Region, arn, ref.SessionID, ref.ParticipantID)
	switch {
	case ivs.IsNotFound(err):
		return refused(DisconnectFailed, ErrNotInSession)
	case err != nil:
		return refused(DisconnectFailed, err)
	case !p.Connected():
		res.UserID = p.UserID
		return refused(AlreadyGone, errors.New("already disconnected: nothing was sent to IVS"))
	}
	res.UserID = p.UserID
	// Disconnect checks again that the participant belongs to the session
	// (the read above is cached: no second call) and writes the record.
	err = c.Disconnect(ctx, a, ref, reason)
	var ae *AuditError
	switch {
	case err == nil:
		res.Outcome = Disconnected
	case errors.As(err, &ae) && ae.Done:
		res.Outcome, res.NotAudited = Disconnected, true
	case IsNotFound(err, ResourceParticipant): // left in the meantime
		res.Outcome, res.NotAudited = AlreadyGone, errors.Is(err, ErrNotAudited)
	default:
		res.Outcome, res.Err, res.NotAudited = DisconnectFailed, err, errors.Is(err, ErrNotAudited)
	}
	return res
}

// Connected is one page of a session's connected participants, for
// choosing whom to disconnect.
type Connected struct {
	Stage        ivs.Stage
	Session      ivs.StageSession
	Participants ivs.Page[ivs.Participant]
}

// ConnectedParticipants reads the stage, the session and one page of its
// connected participants (next: that page's token) in parallel.
func (c *Console) ConnectedParticipants(ctx context.Context, ref Ref, next string) (Connected, error) {
	arn, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return Connected{}, err
	}
	var (
		v                          Connected
		stageErr, sessErr, listErr error
	)
	q := ivs.ParticipantQuery{StageARN: arn, SessionID: ref.SessionID, State: ivs.ParticipantConnected,
		ListQuery: ivs.ListQuery{NextToken: next, MaxResults: ivs.MaxPageSize}}
	var g errgroup.Group
	g.Go(func() error { v.Stage, stageErr = c.ivs.GetStage(ctx, ref.Region, arn); return nil })
	g.Go(func() error {
		v.Session, sessErr = c.ivs.GetStageSession(ctx, ref.Region, arn, ref.SessionID)
		return nil
	})
	g.Go(func() error { v.Participants, listErr = c.ivs.ListParticipants(ctx, ref.Region, q); return nil })
	_ = g.Wait()
	if err := firstErr(missing(stageErr, ResourceStage, ref, ""), missing(sessErr, ResourceSession, ref, ""), listErr); err != nil {
		return Connected{}, err
	}
	return v, nil
}
