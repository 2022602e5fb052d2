package awssdk

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func (s *Service) ListStages(ctx context.Context, region ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Page[ivs.Stage]{}, err
	}
	tok, max := listParams(q)
	out, err := call(ctx, s, "ListStages", string(region), func(ctx context.Context) (*ivsrealtime.ListStagesOutput, error) {
		return c.ListStages(ctx, &ivsrealtime.ListStagesInput{NextToken: tok, MaxResults: max})
	})
	if err != nil {
		return ivs.Page[ivs.Stage]{}, err
	}
	page := ivs.Page[ivs.Stage]{NextToken: aws.ToString(out.NextToken), Items: make([]ivs.Stage, 0, len(out.Stages))}
	for _, st := range out.Stages {
		page.Items = append(page.Items, stageSummaryFrom(st))
	}
	return page, nil
}

func (s *Service) GetStage(ctx context.Context, region ivs.Region, arn string) (ivs.Stage, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Stage{}, err
	}
	out, err := call(ctx, s, "GetStage", string(region), func(ctx context.Context) (*ivsrealtime.GetStageOutput, error) {
		return c.GetStage(ctx, &ivsrealtime.GetStageInput{Arn: aws.String(arn)})
	})
	if err != nil {
		return ivs.Stage{}, err
	}
	return stageFrom(out.Stage), nil
}

func (s *Service) ListStageSessions(ctx context.Context, region ivs.Region, stageARN string, q ivs.ListQuery) (ivs.Page[ivs.StageSession], error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Page[ivs.StageSession]{}, err
	}
	tok, max := listParams(q)
	out, err := call(ctx, s, "ListStageSessions", string(region), func(ctx context.Context) (*ivsrealtime.ListStageSessionsOutput, error) {
		return c.ListStageSessions(ctx, &ivsrealtime.ListStageSessionsInput{StageArn: aws.String(stageARN), NextToken: tok, MaxResults: max})
	})
	if err != nil {
		return ivs.Page[ivs.StageSession]{}, err
	}
	page := ivs.Page[ivs.StageSession]{NextToken: aws.ToString(out.NextToken), Items: make([]ivs.StageSession, 0, len(out.StageSessions))}
	for _, ss := range out.StageSessions {
		page.Items = append(page.Items, ivs.StageSession{ID: aws.ToString(ss.SessionId), StartTime: aws.ToTime(ss.StartTime), EndTime: aws.ToTime(ss.EndTime)})
	}
	return page, nil
}

func (s *Service) GetStageSession(ctx context.Context, region ivs.Region, stageARN, sessionID string) (ivs.StageSession, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.StageSession{}, err
	}
	out, err := call(ctx, s, "GetStageSession", string(region), func(ctx context.Context) (*ivsrealtime.GetStageSessionOutput, error) {
		return c.GetStageSession(ctx, &ivsrealtime.GetStageSessionInput{StageArn: aws.String(stageARN), SessionId: aws.String(sessionID)})
	})
	if err != nil {
		return ivs.StageSession{}, err
	}
	ss := out.StageSession
	if ss == nil {
		return ivs.StageSession{}, &ivs.Error{Kind: ivs.KindNotFound, Op: "GetStageSession", Message: "session not found"}
	}
	return ivs.StageSession{ID: aws.ToString(ss.SessionId), StartTime: aws.ToTime(ss.StartTime), EndTime: aws.ToTime(ss.EndTime)}, nil
}

func (s *Service) ListParticipants(ctx context.Context, region ivs.Region, q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Page[ivs.Participant]{}, err
	}
	tok, max := listParams(q.ListQuery)
	in := &ivsrealtime.ListParticipantsInput{
		StageArn: aws.String(q.StageARN), SessionId: aws.String(q.SessionID), NextToken: tok, MaxResults: max,
		FilterByPublished:      q.PublishedOnly,
		FilterByState:          types.ParticipantState(q.State),
		FilterByRecordingState: types.ParticipantRecordingFilterByRecordingState(q.RecordingState),
	}
	if q.UserID != "" {
		in.FilterByUserId = aws.String(q.UserID)
	}
	out, err := call(ctx, s, "ListParticipants", string(region), func(ctx context.Context) (*ivsrealtime.ListParticipantsOutput, error) {
		return c.ListParticipants(ctx, in)
	})
	if err != nil {
		return ivs.Page[ivs.Participant]{}, err
	}
	page := ivs.Page[ivs.Participant]{NextToken: aws.ToString(out.NextToken), Items: make([]ivs.Participant, 0, len(out.Participants))}
	for _, p := range out.Participants {
		page.Items = append(page.Items, participantSummaryFrom(p))
	}
	return page, nil
}

func (s *Service) GetParticipant(ctx context.Context, region ivs.Region, stageARN, sessionID, participantID string) (ivs.Participant, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Participant{}, err
	}
	out, err := call(ctx, s, "GetParticipant", string(region), func(ctx context.Context) (*ivsrealtime.GetParticipantOutput, error) {
		return c.GetParticipant(ctx, &ivsrealtime.GetParticipantInput{StageArn: aws.String(stageARN), SessionId: aws.String(sessionID), ParticipantId: aws.String(participantID)})
	})
	if err != nil {
		return ivs.Participant{}, err
	}
	return participantFrom(out.Participant), nil
}

func (s *Service) ListParticipantEvents(ctx context.Context, region ivs.Region, stageARN, sessionID, participantID string, q ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Page[ivs.ParticipantEvent]{}, err
	}
	tok, max := listParams(q)
	out, err := call(ctx, s, "ListParticipantEvents", string(region), func(ctx context.Context) (*ivsrealtime.ListParticipantEventsOutput, error) {
		return c.ListParticipantEvents(ctx, &ivsrealtime.ListParticipantEventsInput{
			StageArn: aws.String(stageARN), SessionId: aws.String(sessionID), ParticipantId: aws.String(participantID), NextToken: tok, MaxResults: max,
		})
	})
	if err != nil {
		return ivs.Page[ivs.ParticipantEvent]{}, err
	}
	page := ivs.Page[ivs.ParticipantEvent]{NextToken: aws.ToString(out.NextToken), Items: make([]ivs.ParticipantEvent, 0, len(out.Events))}
	for _, e := range out.Events {
		page.Items = append(page.Items, eventFrom(e))
	}
	return page, nil
}

func (s *Service) DisconnectParticipant(ctx context.Context, region ivs.Region, stageARN, participantID, reason string) error {
	c, err := s.client(region)
	if err != nil {
		return err
	}
	in := &ivsrealtime.DisconnectParticipantInput{StageArn: aws.String(stageARN), ParticipantId: aws.String(participantID)}
	if reason != "" {
		in.Reason = aws.String(reason)
	}
	_, err = call(ctx, s, "DisconnectParticipant", string(region), func(ctx context.Context) (*ivsrealtime.DisconnectParticipantOutput, error) {
		return c.DisconnectParticipant(ctx, in)
	})
	return err
}
