package console

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Replicas are a participant's replicas from its stage into others, and the
// region's stages (names, and where it can be replicated to).
type Replicas struct {
	Items  []ivs.Replica
	Stages []ivs.Stage
}

// Replicas reads a participant's replicas and the region's stages in parallel.
func (c *Console) Replicas(ctx context.Context, ref Ref) (Replicas, error) {
	arn, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return Replicas{}, err
	}
	var v Replicas
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		p, err := c.ivs.ListParticipantReplicas(gctx, ref.Region, ivs.ReplicaQuery{SourceStageARN: arn, ParticipantID: ref.ParticipantID, ListQuery: ivs.ListQuery{MaxResults: 50}})
		v.Items = p.Items
		return err
	})
	g.Go(func() (err error) { v.Stages, err = c.Stages(gctx, ref.Region); return err })
	return v, g.Wait()
}

// StartReplication replicates a participant of ref's stage into the stage
// destinationID, and audits the attempt.
func (c *Console) StartReplication(ctx context.Context, a Actor, ref Ref, destinationID string) error {
	if err := c.canAudit(); err != nil {
		return err
	}
	src, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return err
	}
	dst := ivs.StageARN(ref.Region, ivs.ARNAccount(src), destinationID)
	err = c.ivs.StartParticipantReplication(ctx, ref.Region, ivs.StartReplicationInput{SourceStageARN: src, DestinationStageARN: dst, ParticipantID: ref.ParticipantID})
	return c.audited(ctx, a, ref.Region, audit.ActionReplicationStart, src, err, fmt.Sprintf("participant=%s session=%s to stage=%s", ref.ParticipantID, ref.SessionID, destinationID))
}

// StopReplication stops a participant's replica in the stage destinationID,
// and audits the attempt.
func (c *Console) StopReplication(ctx context.Context, a Actor, ref Ref, destinationID string) error {
	if err := c.canAudit(); err != nil {
		return err
	}
	src, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return err
	}
	dst := ivs.StageARN(ref.Region, ivs.ARNAccount(src), destinationID)
	err = c.ivs.StopParticipantReplication(ctx, ref.Region, src, dst, ref.ParticipantID)
	return c.audited(ctx, a, ref.Region, audit.ActionReplicationStop, src, err, fmt.Sprintf("participant=%s to stage=%s", ref.ParticipantID, destinationID))
}
