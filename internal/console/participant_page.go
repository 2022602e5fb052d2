package console

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// MaxEventPages bounds how many pages of a participant's timeline one page
// view follows (100 events each).
const MaxEventPages = 20

// ParticipantPage is what the participant page shows.
type ParticipantPage struct {
	Participant ivs.Participant
	Events      []ivs.ParticipantEvent
	// EventsTruncated: the timeline has more pages than the console follows.
	EventsTruncated bool
	// Source is where a replica really is, when that stage is in a region
	// the console shows.
	Source *Ref
	// Stage names the page (zero when it could not be read: the page then
	// names the stage by its id).
	Stage ivs.Stage
	// Config is the ingest configuration an encoder publishes with (nil
	// when the participant has none, or it could not be read).
	Config *ivs.IngestConfiguration
}

// ParticipantPage reads a participant and its whole timeline, with the
// stage and its ingest configurations for their names, in parallel (the
// stage and the configurations are the session page's reads: cached). A
// configuration no longer attached to the stage is read on its own.
func (c *Console) ParticipantPage(ctx context.Context, ref Ref) (ParticipantPage, error) {
	arn, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return ParticipantPage{}, err
	}
	var (
		v               ParticipantPage
		configs         []ivs.IngestConfiguration
		ptErr, eventErr error
	)
	var g errgroup.Group
	// The names are for reading only: the page shows ids when they fail.
	g.Go(func() error {
		if st, err := c.ivs.GetStage(ctx, ref.Region, arn); err == nil {
			v.Stage = st
		}
		return nil
	})
	g.Go(func() error { configs, _, _ = c.stageConfigs(ctx, ref.Region, arn); return nil })
	g.Go(func() error {
		v.Participant, ptErr = c.ivs.GetParticipant(ctx, ref.Region, arn, ref.SessionID, ref.ParticipantID)
		return nil
	})
	g.Go(func() error {
		v.Events, v.EventsTruncated, eventErr = collect(ctx, ivs.ListQuery{MaxResults: ivs.MaxPageSize}, MaxEventPages,
			func(ctx context.Context, q ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
				return c.ivs.ListParticipantEvents(ctx, ref.Region, arn, ref.SessionID, ref.ParticipantID, q)
			})
		return nil
	})
	_ = g.Wait()
	if ptErr != nil {
		return ParticipantPage{}, missing(ptErr, ResourceParticipant, ref, "")
	}
	if eventErr != nil && !ivs.IsNotFound(eventErr) {
		return ParticipantPage{}, eventErr
	}
	if cfgARN := v.Participant.IngestConfigurationARN; cfgARN != "" {
		for i := range configs {
			if configs[i].ARN == cfgARN {
				v.Config = &configs[i]
			}
		}
		if v.Config == nil {
			if cfg, err := c.ivs.GetIngestConfiguration(ctx, ref.Region, cfgARN); err == nil {
				v.Config = &cfg
			}
		}
	}
	if src := v.Participant.SourceStageARN; src != "" {
		if a, err := ivs.ParseARN(src, ivs.ResourceStage); err == nil && c.Serves(a.Region) {
			v.Source = &Ref{Region: a.Region, StageID: a.ID, SessionID: v.Participant.SourceSessionID}
		}
	}
	return v, nil
}

// Participant reads one participant of a session (for a confirmation page).
func (c *Console) Participant(ctx context.Context, ref Ref) (ivs.Participant, error) {
	arn, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return ivs.Participant{}, err
	}
	pt, err := c.ivs.GetParticipant(ctx, ref.Region, arn, ref.SessionID, ref.ParticipantID)
	return pt, missing(err, ResourceParticipant, ref, "")
}

// Disconnect disconnects a participant of a session and audits it,
// whatever its outcome. IVS disconnects by participant id within the stage,
// so the participant is first checked to belong to the session the
// address names: a made-up session id neither acts nor enters the record.
func (c *Console) Disconnect(ctx context.Context, a Actor, ref Ref, reason string) error {
	if err := c.canAudit(); err != nil {
		return err
	}
	arn, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return err
	}
	if _, err := c.ivs.GetParticipant(ctx, ref.Region, arn, ref.SessionID, ref.ParticipantID); err != nil {
		return missing(err, ResourceParticipant, ref, "")
	}
	actionErr := c.ivs.DisconnectParticipant(ctx, ref.Region, arn, ref.ParticipantID, reason)
	detail := "participant " + ref.ParticipantID + " of session " + ref.SessionID + "; reason: " + reason
	return missing(c.audited(ctx, a, ref.Region, audit.ActionParticipantDisconnect, arn, actionErr, detail), ResourceParticipant, ref, "")
}
