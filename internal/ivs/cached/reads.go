package cached

import (
	"context"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Each read builds its key on the stack and tries the cache before creating
// the closure for the miss path, so that a hit allocates nothing.

func (s *Service) ListStages(ctx context.Context, region ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
	const op = OpListStages
	var b keyBuf
	k := appendList(appendKey(b[:0], op, region), q)
	if v, ok := hit[ivs.Page[ivs.Stage]](s, op, k); ok {
		return v, nil
	}
	return load(ctx, s, k, scope{region: region, op: op}, func(ctx context.Context) (ivs.Page[ivs.Stage], error) {
		return s.inner.ListStages(ctx, region, q)
	})
}

func (s *Service) GetStage(ctx context.Context, region ivs.Region, stageARN string) (ivs.Stage, error) {
	const op = OpGetStage
	if ivs.WantsFresh(ctx) {
		return s.freshGetStage(ctx, region, stageARN)
	}
	var b keyBuf
	k := appendKey(b[:0], op, region, stageARN)
	if v, ok := hit[ivs.Stage](s, op, k); ok {
		return v, nil
	}
	return load(ctx, s, k, scope{region: region, op: op, stage: stageARN}, func(ctx context.Context) (ivs.Stage, error) {
		return s.inner.GetStage(ctx, region, stageARN)
	})
}

func (s *Service) ListStageSessions(ctx context.Context, region ivs.Region, stageARN string, q ivs.ListQuery) (ivs.Page[ivs.StageSession], error) {
	const op = OpListStageSessions
	var b keyBuf
	k := appendList(appendKey(b[:0], op, region, stageARN), q)
	if v, ok := hit[ivs.Page[ivs.StageSession]](s, op, k); ok {
		return v, nil
	}
	return load(ctx, s, k, scope{region: region, op: op, stage: stageARN}, func(ctx context.Context) (ivs.Page[ivs.StageSession], error) {
		return s.inner.ListStageSessions(ctx, region, stageARN, q)
	})
}

func (s *Service) GetStageSession(ctx context.Context, region ivs.Region, stageARN, sessionID string) (ivs.StageSession, error) {
	const op = OpGetStageSession
	var b keyBuf
	k := appendKey(b[:0], op, region, stageARN, sessionID)
	if v, ok := hit[ivs.StageSession](s, op, k); ok {
		return v, nil
	}
	return load(ctx, s, k, scope{region: region, op: op, stage: stageARN, session: sessionID}, func(ctx context.Context) (ivs.StageSession, error) {
		return s.inner.GetStageSession(ctx, region, stageARN, sessionID)
	})
}

func (s *Service) ListParticipants(ctx context.Context, region ivs.Region, q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
	const op = OpListParticipants
	var b keyBuf
	k := appendKey(b[:0], op, region, q.StageARN, q.SessionID, q.UserID, q.State, boolArg(q.PublishedOnly), q.RecordingState)
	k = appendList(k, q.ListQuery)
	if v, ok := hit[ivs.Page[ivs.Participant]](s, op, k); ok {
		return v, nil
	}
	return load(ctx, s, k, scope{region: region, op: op, stage: q.StageARN, session: q.SessionID}, func(ctx context.Context) (ivs.Page[ivs.Participant], error) {
		return s.inner.ListParticipants(ctx, region, q)
	})
}

func (s *Service) GetParticipant(ctx context.Context, region ivs.Region, stageARN, sessionID, participantID string) (ivs.Participant, error) {
	const op = OpGetParticipant
	var b keyBuf
	k := appendKey(b[:0], op, region, stageARN, sessionID, participantID)
	if v, ok := hit[ivs.Participant](s, op, k); ok {
		return v, nil
	}
	sc := scope{region: region, op: op, stage: stageARN, session: sessionID, participant: participantID}
	return load(ctx, s, k, sc, func(ctx context.Context) (ivs.Participant, error) {
		return s.inner.GetParticipant(ctx, region, stageARN, sessionID, participantID)
	})
}

func (s *Service) ListParticipantEvents(ctx context.Context, region ivs.Region, stageARN, sessionID, participantID string, q ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
	const op = OpListParticipantEvents
	var b keyBuf
	k := appendList(appendKey(b[:0], op, region, stageARN, sessionID, participantID), q)
	if v, ok := hit[ivs.Page[ivs.ParticipantEvent]](s, op, k); ok {
		return v, nil
	}
	sc := scope{region: region, op: op, stage: stageARN, session: sessionID, participant: participantID}
	return load(ctx, s, k, sc, func(ctx context.Context) (ivs.Page[ivs.ParticipantEvent], error) {
		return s.inner.ListParticipantEvents(ctx, region, stageARN, sessionID, participantID, q)
	})
}

func (s *Service) ListIngestConfigurations(ctx context.Context, region ivs.Region, q ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error) {
	const op = OpListIngestConfigurations
	var b keyBuf
	k := appendList(appendKey(b[:0], op, region, q.StageARN, q.State), q.ListQuery)
	if v, ok := hit[ivs.Page[ivs.IngestConfiguration]](s, op, k); ok {
		return v, nil
	}
	return load(ctx, s, k, scope{region: region, op: op, stage: q.StageARN}, func(ctx context.Context) (ivs.Page[ivs.IngestConfiguration], error) {
		return s.inner.ListIngestConfigurations(ctx, region, q)
	})
}

func (s *Service) GetIngestConfiguration(ctx context.Context, region ivs.Region, arn string) (ivs.IngestConfiguration, error) {
	const op = OpGetIngestConfiguration
	var b keyBuf
	k := appendKey(b[:0], op, region, arn)
	if v, ok := hit[ivs.IngestConfiguration](s, op, k); ok {
		return v, nil
	}
	return load(ctx, s, k, scope{region: region, op: op, arn: arn}, func(ctx context.Context) (ivs.IngestConfiguration, error) {
		return s.inner.GetIngestConfiguration(ctx, region, arn)
	})
}
