package awssdk

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// StartParticipantReplication is not retried by the SDK: a retry after a
// lost answer would be refused as a conflict (already replicated), which
// would read as a failure of an action that succeeded.
func (s *Service) StartParticipantReplication(ctx context.Context, region ivs.Region, in ivs.StartReplicationInput) error {
	c, err := s.client(region)
	if err != nil {
		return err
	}
	req := &ivsrealtime.StartParticipantReplicationInput{SourceStageArn: aws.String(in.SourceStageARN),
		DestinationStageArn: aws.String(in.DestinationStageARN), ParticipantId: aws.String(in.ParticipantID),
		Attributes: in.Attributes, ReconnectWindowSeconds: optInt32(in.ReconnectWindowSeconds)}
	_, err = call(ctx, s, "StartParticipantReplication", string(region), func(ctx context.Context) (*ivsrealtime.StartParticipantReplicationOutput, error) {
		return c.StartParticipantReplication(ctx, req, noRetry)
	})
	return err
}

func (s *Service) StopParticipantReplication(ctx context.Context, region ivs.Region, sourceStageARN, destinationStageARN, participantID string) error {
	c, err := s.client(region)
	if err != nil {
		return err
	}
	_, err = call(ctx, s, "StopParticipantReplication", string(region), func(ctx context.Context) (*ivsrealtime.StopParticipantReplicationOutput, error) {
		return c.StopParticipantReplication(ctx, &ivsrealtime.StopParticipantReplicationInput{SourceStageArn: aws.String(sourceStageARN),
			DestinationStageArn: aws.String(destinationStageARN), ParticipantId: aws.String(participantID)})
	})
	return err
}

func (s *Service) ListParticipantReplicas(ctx context.Context, region ivs.Region, q ivs.ReplicaQuery) (ivs.Page[ivs.Replica], error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Page[ivs.Replica]{}, err
	}
	tok, max := listParams(q.ListQuery)
	if max != nil && *max > 50 {
		max = aws.Int32(50) // this list's maximum
	}
	out, err := call(ctx, s, "ListParticipantReplicas", string(region), func(ctx context.Context) (*ivsrealtime.ListParticipantReplicasOutput, error) {
		return c.ListParticipantReplicas(ctx, &ivsrealtime.ListParticipantReplicasInput{SourceStageArn: aws.String(q.SourceStageARN),
			ParticipantId: aws.String(q.ParticipantID), NextToken: tok, MaxResults: max})
	})
	if err != nil {
		return ivs.Page[ivs.Replica]{}, err
	}
	page := ivs.Page[ivs.Replica]{NextToken: aws.ToString(out.NextToken)}
	for _, r := range out.Replicas {
		page.Items = append(page.Items, ivs.Replica{ParticipantID: aws.ToString(r.ParticipantId),
			SourceStageARN: aws.ToString(r.SourceStageArn), SourceSessionID: aws.ToString(r.SourceSessionId),
			DestinationStageARN: aws.ToString(r.DestinationStageArn), DestinationSessionID: aws.ToString(r.DestinationSessionId),
			State: string(r.ReplicationState)})
	}
	return page, nil
}
