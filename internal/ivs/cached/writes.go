package cached

import (
	"context"
	"errors"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Writes and reveals are never cached or coalesced: each is a person's
// action. They wait for the budget (bounded by WriteWait and ctx) rather
// than being refused at once, and writes invalidate what they change, even
// when they fail (a conflict or a timeout means the cache may be wrong).

// spend takes a token for a caller-initiated call, waiting if needed.
func (s *Service) spend(ctx context.Context, region ivs.Region, op Op) error {
	if s.budget.allow(ctx, region, op, s.opts.Now()) {
		return nil
	}
	c := &counters[op]
	if err := s.budget.wait(ctx, region, op, s.opts.WriteWait); err != nil {
		c.refused.Inc()
		if errors.Is(err, errBudgetWait) {
			return throttled(op, region)
		}
		return err
	}
	c.waited.Inc()
	return nil
}

// RevealStreamKeys always goes upstream; its answer is never stored.
func (s *Service) RevealStreamKeys(ctx context.Context, region ivs.Region, arn string) (ivs.IngestConfiguration, error) {
	if err := s.spend(ctx, region, OpGetIngestConfiguration); err != nil {
		return ivs.IngestConfiguration{}, err
	}
	return s.inner.RevealStreamKeys(ctx, region, arn)
}

func (s *Service) CreateIngestConfiguration(ctx context.Context, region ivs.Region, in ivs.CreateIngestInput) (ivs.IngestConfiguration, error) {
	if err := s.spend(ctx, region, OpCreateIngestConfiguration); err != nil {
		return ivs.IngestConfiguration{}, err
	}
	c, err := s.inner.CreateIngestConfiguration(ctx, region, in)
	s.invalidateIngest(region, c.ARN, in.StageARN)
	return c, err
}

func (s *Service) UpdateIngestConfiguration(ctx context.Context, region ivs.Region, in ivs.UpdateIngestInput) (ivs.IngestConfiguration, error) {
	if err := s.spend(ctx, region, OpUpdateIngestConfiguration); err != nil {
		return ivs.IngestConfiguration{}, err
	}
	c, err := s.inner.UpdateIngestConfiguration(ctx, region, in)
	s.invalidateIngest(region, in.ARN, in.StageARN)
	return c, err
}

func (s *Service) DeleteIngestConfiguration(ctx context.Context, region ivs.Region, arn string, force bool) error {
	if err := s.spend(ctx, region, OpDeleteIngestConfiguration); err != nil {
		return err
	}
	stage, known := s.stageOf(region, arn)
	err := s.inner.DeleteIngestConfiguration(ctx, region, arn, force)
	if !known {
		stage = anyStage
	}
	s.invalidateIngest(region, arn, stage)
	return err
}

func (s *Service) DisconnectParticipant(ctx context.Context, region ivs.Region, stageARN, participantID, reason string) error {
	if err := s.spend(ctx, region, OpDisconnectParticipant); err != nil {
		return err
	}
	err := s.inner.DisconnectParticipant(ctx, region, stageARN, participantID, reason)
	// The API names no session: drop the stage's participant reads, all
	// sessions. The participant may be an encoder, whose configuration then
	// goes INACTIVE: drop the region's ingest reads too.
	s.store.invalidate(func(e *scope) bool {
		if e.region != region {
			return false
		}
		return (participantRead(e.op) && e.stage == stageARN) ||
			e.op == OpListIngestConfigurations || e.op == OpGetIngestConfiguration
	})
	return err
}

// anyStage stands for "every stage of the region" when a deleted
// configuration's stage is not known.
const anyStage = "\x00any"

// invalidateIngest drops the region's ingest lists, the configuration's
// get, and the participant reads of its stage (which show ingest state:
// the encoders' participants, redundancy, the configuration ARN).
func (s *Service) invalidateIngest(region ivs.Region, arn, stageARN string) {
	s.store.invalidate(func(e *scope) bool {
		if e.region != region {
			return false
		}
		switch {
		case e.op == OpListIngestConfigurations:
			return true
		case e.op == OpGetIngestConfiguration:
			return arn == "" || e.arn == arn
		case participantRead(e.op):
			return stageARN == anyStage || e.stage == stageARN
		}
		return false
	})
}

func participantRead(op Op) bool {
	return op == OpListParticipants || op == OpGetParticipant || op == OpListParticipantEvents
}

// stageOf finds a configuration's stage in the cache, if it is there.
func (s *Service) stageOf(region ivs.Region, arn string) (string, bool) {
	var b keyBuf
	e := s.store.get(appendKey(b[:0], OpGetIngestConfiguration, region, arn), s.opts.Now())
	if e == nil {
		return "", false
	}
	c, ok := e.v.(ivs.IngestConfiguration)
	return c.StageARN, ok && c.StageARN != ""
}
