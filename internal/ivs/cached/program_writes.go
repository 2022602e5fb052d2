package cached

import (
	"context"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Writes of the program output: budgeted, never cached, and each drops
// what it changes even when it fails.

// StartComposition is never coalesced: its idempotency key already makes
// a double submit start one composition upstream.
func (s *Service) StartComposition(ctx context.Context, region ivs.Region, in ivs.StartCompositionInput) (ivs.Composition, error) {
	if err := s.spend(ctx, region, OpStartComposition); err != nil {
		return ivs.Composition{}, err
	}
	c, err := s.inner.StartComposition(ctx, region, in)
	s.invalidateOps(region, "", OpListCompositions)
	return c, err
}

func (s *Service) StopComposition(ctx context.Context, region ivs.Region, arn string) error {
	if err := s.spend(ctx, region, OpStopComposition); err != nil {
		return err
	}
	err := s.inner.StopComposition(ctx, region, arn)
	s.invalidateOps(region, arn, OpListCompositions, OpGetComposition)
	return err
}

func (s *Service) CreateEncoderConfiguration(ctx context.Context, region ivs.Region, in ivs.CreateEncoderInput) (ivs.EncoderConfiguration, error) {
	if err := s.spend(ctx, region, OpCreateEncoderConfiguration); err != nil {
		return ivs.EncoderConfiguration{}, err
	}
	c, err := s.inner.CreateEncoderConfiguration(ctx, region, in)
	s.invalidateOps(region, "", OpListEncoderConfigurations)
	return c, err
}

func (s *Service) DeleteEncoderConfiguration(ctx context.Context, region ivs.Region, arn string) error {
	if err := s.spend(ctx, region, OpDeleteEncoderConfiguration); err != nil {
		return err
	}
	err := s.inner.DeleteEncoderConfiguration(ctx, region, arn)
	s.invalidateOps(region, arn, OpListEncoderConfigurations, OpGetEncoderConfiguration)
	return err
}

func (s *Service) CreateStorageConfiguration(ctx context.Context, region ivs.Region, in ivs.CreateStorageInput) (ivs.StorageConfiguration, error) {
	if err := s.spend(ctx, region, OpCreateStorageConfiguration); err != nil {
		return ivs.StorageConfiguration{}, err
	}
	c, err := s.inner.CreateStorageConfiguration(ctx, region, in)
	s.invalidateOps(region, "", OpListStorageConfigurations)
	return c, err
}

func (s *Service) DeleteStorageConfiguration(ctx context.Context, region ivs.Region, arn string) error {
	if err := s.spend(ctx, region, OpDeleteStorageConfiguration); err != nil {
		return err
	}
	err := s.inner.DeleteStorageConfiguration(ctx, region, arn)
	s.invalidateOps(region, arn, OpListStorageConfigurations, OpGetStorageConfiguration)
	return err
}

func (s *Service) ImportPublicKey(ctx context.Context, region ivs.Region, in ivs.ImportPublicKeyInput) (ivs.PublicKey, error) {
	if err := s.spend(ctx, region, OpImportPublicKey); err != nil {
		return ivs.PublicKey{}, err
	}
	k, err := s.inner.ImportPublicKey(ctx, region, in)
	s.invalidateOps(region, "", OpListPublicKeys)
	return k, err
}

func (s *Service) DeletePublicKey(ctx context.Context, region ivs.Region, arn string) error {
	if err := s.spend(ctx, region, OpDeletePublicKey); err != nil {
		return err
	}
	err := s.inner.DeletePublicKey(ctx, region, arn)
	s.invalidateOps(region, arn, OpListPublicKeys, OpGetPublicKey)
	return err
}

// Replication changes the participants of two stages: drop the
// participant reads of both and the source's replica lists.
func (s *Service) StartParticipantReplication(ctx context.Context, region ivs.Region, in ivs.StartReplicationInput) error {
	if err := s.spend(ctx, region, OpStartParticipantReplication); err != nil {
		return err
	}
	err := s.inner.StartParticipantReplication(ctx, region, in)
	s.invalidateReplication(region, in.SourceStageARN, in.DestinationStageARN)
	return err
}

func (s *Service) StopParticipantReplication(ctx context.Context, region ivs.Region, sourceStageARN, destinationStageARN, participantID string) error {
	if err := s.spend(ctx, region, OpStopParticipantReplication); err != nil {
		return err
	}
	err := s.inner.StopParticipantReplication(ctx, region, sourceStageARN, destinationStageARN, participantID)
	s.invalidateReplication(region, sourceStageARN, destinationStageARN)
	return err
}

// invalidateOps drops the region's reads of ops; for a get, only arn's
// when arn is set.
func (s *Service) invalidateOps(region ivs.Region, arn string, ops ...Op) {
	s.store.invalidate(func(e *scope) bool {
		if e.region != region {
			return false
		}
		for _, op := range ops {
			if e.op == op {
				return e.arn == "" || arn == "" || e.arn == arn
			}
		}
		return false
	})
}

func (s *Service) invalidateReplication(region ivs.Region, src, dst string) {
	s.store.invalidate(func(e *scope) bool {
		if e.region != region {
			return false
		}
		return e.op == OpListParticipantReplicas || (participantRead(e.op) && (e.stage == src || e.stage == dst))
	})
}
