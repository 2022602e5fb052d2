package cached

import (
	"context"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Stage writes, tags and participant tokens: budgeted like every write,
// never cached or coalesced, and each drops what it changes (even when it
// fails: a conflict or a timeout means the cache may be wrong).

func (s *Service) CreateStage(ctx context.Context, region ivs.Region, in ivs.CreateStageInput) (ivs.Stage, error) {
	if err := s.spend(ctx, region, OpCreateStage); err != nil {
		return ivs.Stage{}, err
	}
	st, err := s.inner.CreateStage(ctx, region, in)
	s.invalidateStage(region, st.ARN, false)
	return st, err
}

func (s *Service) UpdateStage(ctx context.Context, region ivs.Region, in ivs.UpdateStageInput) (ivs.Stage, error) {
	if err := s.spend(ctx, region, OpUpdateStage); err != nil {
		return ivs.Stage{}, err
	}
	st, err := s.inner.UpdateStage(ctx, region, in)
	s.invalidateStage(region, in.ARN, false)
	return st, err
}

// DeleteStage also ends the stage's session and detaches the configurations
// that were publishing into it: its sessions, participants and the region's
// ingest reads go too.
func (s *Service) DeleteStage(ctx context.Context, region ivs.Region, arn string) error {
	if err := s.spend(ctx, region, OpDeleteStage); err != nil {
		return err
	}
	err := s.inner.DeleteStage(ctx, region, arn)
	s.invalidateStage(region, arn, true)
	return err
}

func (s *Service) TagResource(ctx context.Context, region ivs.Region, arn string, tags map[string]string) error {
	if err := s.spend(ctx, region, OpTagResource); err != nil {
		return err
	}
	err := s.inner.TagResource(ctx, region, arn, tags)
	s.invalidateTagged(region, arn)
	return err
}

func (s *Service) UntagResource(ctx context.Context, region ivs.Region, arn string, keys []string) error {
	if err := s.spend(ctx, region, OpUntagResource); err != nil {
		return err
	}
	err := s.inner.UntagResource(ctx, region, arn, keys)
	s.invalidateTagged(region, arn)
	return err
}

// CreateParticipantToken always goes upstream and its answer is never
// stored: a token is a secret shown once. Nothing cached changes until the
// participant joins.
func (s *Service) CreateParticipantToken(ctx context.Context, region ivs.Region, in ivs.CreateTokenInput) (ivs.ParticipantToken, error) {
	if err := s.spend(ctx, region, OpCreateParticipantToken); err != nil {
		return ivs.ParticipantToken{}, err
	}
	return s.inner.CreateParticipantToken(ctx, region, in)
}

// invalidateStage drops the region's stage lists and the stage's get; gone
// (a delete) drops everything read about the stage and the region's ingest
// reads as well.
func (s *Service) invalidateStage(region ivs.Region, arn string, gone bool) {
	s.store.invalidate(func(e *scope) bool {
		if e.region != region {
			return false
		}
		switch {
		case e.op == OpListStages:
			return true
		case e.op == OpGetStage:
			return arn == "" || e.stage == arn
		case gone && (e.op == OpListIngestConfigurations || e.op == OpGetIngestConfiguration):
			return true
		case gone:
			return e.stage == arn
		}
		return false
	})
}

// invalidateTagged drops the reads that show the resource's tags.
func (s *Service) invalidateTagged(region ivs.Region, arn string) {
	if _, err := ivs.ParseARN(arn, ivs.ResourceStage); err == nil {
		s.invalidateStage(region, arn, false)
		return
	}
	s.store.invalidate(func(e *scope) bool {
		return e.region == region && e.op == OpGetIngestConfiguration && e.arn == arn
	})
}

// freshGetStage reads a stage upstream now, for a command's check before it
// acts (ivs.MustBeFresh): no cached or stale value, not coalesced with a
// read that began earlier; it waits for the budget like a write.
func (s *Service) freshGetStage(ctx context.Context, region ivs.Region, arn string) (ivs.Stage, error) {
	if err := s.spend(ctx, region, OpGetStage); err != nil {
		return ivs.Stage{}, err
	}
	counters[OpGetStage].miss.Inc()
	return s.inner.GetStage(ctx, region, arn)
}
