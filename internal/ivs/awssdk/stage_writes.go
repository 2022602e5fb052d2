package awssdk

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// CreateStage creates at most one stage per IdempotencyKey, even when the
// form is submitted twice or a response is lost: the same guard and the same
// tag as CreateIngestConfiguration (see create_guard.go).
func (s *Service) CreateStage(ctx context.Context, region ivs.Region, in ivs.CreateStageInput) (ivs.Stage, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Stage{}, err
	}
	if in.IdempotencyKey == "" {
		return s.createStageOnce(ctx, c, region, in)
	}
	// Stage keys live beside configuration keys in the guard: keep them apart.
	arn, err := s.creates.do(region, "stage\x00"+in.IdempotencyKey, func() (string, error) {
		st, err := s.createStageReconciled(ctx, c, region, in)
		return st.ARN, err
	})
	if err != nil {
		return ivs.Stage{}, err
	}
	return s.GetStage(ctx, region, arn)
}

func (s *Service) createStageOnce(ctx context.Context, c *ivsrealtime.Client, region ivs.Region, in ivs.CreateStageInput) (ivs.Stage, error) {
	req := &ivsrealtime.CreateStageInput{AutoParticipantRecordingConfiguration: recordingTo(in.Recording)}
	if in.Name != "" {
		req.Name = aws.String(in.Name)
	}
	req.Tags = tagsWithKey(in.Tags, in.IdempotencyKey)
	out, err := call(ctx, s, "CreateStage", string(region), func(ctx context.Context) (*ivsrealtime.CreateStageOutput, error) {
		// No automatic retry: a retried create whose first response was lost
		// would make a second stage. createStageReconciled retries safely.
		return c.CreateStage(ctx, req, func(o *ivsrealtime.Options) { o.RetryMaxAttempts = 1 })
	})
	if err != nil {
		return ivs.Stage{}, err
	}
	return stageFrom(out.Stage), nil
}

// createStageReconciled creates once; when the outcome is unknown (a 5xx or
// a timeout) it looks for a stage tagged with the key before trying again.
// Stage summaries carry their tags, so the search is one list per 100 stages.
func (s *Service) createStageReconciled(ctx context.Context, c *ivsrealtime.Client, region ivs.Region, in ivs.CreateStageInput) (ivs.Stage, error) {
	const attempts = 3
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			if found, ferr := s.findStageByIdempotencyKey(ctx, region, in.IdempotencyKey); ferr == nil && found != "" {
				return ivs.Stage{ARN: found}, nil
			}
			select {
			case <-ctx.Done():
				return ivs.Stage{}, err
			case <-time.After(time.Duration(i) * 300 * time.Millisecond):
			}
		}
		var st ivs.Stage
		st, err = s.createStageOnce(ctx, c, region, in)
		if err == nil {
			return st, nil
		}
		switch ivs.KindOf(err) {
		case ivs.KindUnavailable, ivs.KindThrottled:
			continue
		default:
			return ivs.Stage{}, err
		}
	}
	if found, ferr := s.findStageByIdempotencyKey(ctx, region, in.IdempotencyKey); ferr == nil && found != "" {
		return ivs.Stage{ARN: found}, nil
	}
	return ivs.Stage{}, err
}

func (s *Service) findStageByIdempotencyKey(ctx context.Context, region ivs.Region, key string) (string, error) {
	q := ivs.ListQuery{MaxResults: ivs.MaxPageSize}
	for range ivs.MaxStagesPerRegion / ivs.MaxPageSize {
		page, err := s.ListStages(ctx, region, q)
		if err != nil {
			return "", err
		}
		for _, st := range page.Items {
			if st.Tags[ivs.IdempotencyTag] == key {
				return st.ARN, nil
			}
		}
		if page.NextToken == "" {
			break
		}
		q.NextToken = page.NextToken
	}
	return "", nil
}

func (s *Service) UpdateStage(ctx context.Context, region ivs.Region, in ivs.UpdateStageInput) (ivs.Stage, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Stage{}, err
	}
	req := &ivsrealtime.UpdateStageInput{Arn: aws.String(in.ARN), Name: in.Name, AutoParticipantRecordingConfiguration: recordingTo(in.Recording)}
	out, err := call(ctx, s, "UpdateStage", string(region), func(ctx context.Context) (*ivsrealtime.UpdateStageOutput, error) {
		return c.UpdateStage(ctx, req)
	})
	if err != nil {
		return ivs.Stage{}, err
	}
	return stageFrom(out.Stage), nil
}

func (s *Service) DeleteStage(ctx context.Context, region ivs.Region, arn string) error {
	c, err := s.client(region)
	if err != nil {
		return err
	}
	_, err = call(ctx, s, "DeleteStage", string(region), func(ctx context.Context) (*ivsrealtime.DeleteStageOutput, error) {
		return c.DeleteStage(ctx, &ivsrealtime.DeleteStageInput{Arn: aws.String(arn)})
	})
	return err
}

func (s *Service) TagResource(ctx context.Context, region ivs.Region, arn string, tags map[string]string) error {
	c, err := s.client(region)
	if err != nil {
		return err
	}
	_, err = call(ctx, s, "TagResource", string(region), func(ctx context.Context) (*ivsrealtime.TagResourceOutput, error) {
		return c.TagResource(ctx, &ivsrealtime.TagResourceInput{ResourceArn: aws.String(arn), Tags: tags})
	})
	return err
}

func (s *Service) UntagResource(ctx context.Context, region ivs.Region, arn string, keys []string) error {
	c, err := s.client(region)
	if err != nil {
		return err
	}
	_, err = call(ctx, s, "UntagResource", string(region), func(ctx context.Context) (*ivsrealtime.UntagResourceOutput, error) {
		return c.UntagResource(ctx, &ivsrealtime.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: keys})
	})
	return err
}

// recordingTo is the SDK's recording set-up (nil: leave it, or none on a
// create). The SDK sends recordParticipantReplicas only when true, and the
// API defaults it to true: a false cannot be sent, so it stays true.
func recordingTo(r *ivs.AutoRecording) *types.AutoParticipantRecordingConfiguration {
	if r == nil {
		return nil
	}
	out := &types.AutoParticipantRecordingConfiguration{
		StorageConfigurationArn:         aws.String(r.StorageConfigurationARN),
		RecordParticipantReplicas:       r.RecordReplicas,
		RecordingReconnectWindowSeconds: r.ReconnectWindowSeconds,
	}
	for _, m := range r.MediaTypes {
		out.MediaTypes = append(out.MediaTypes, types.ParticipantRecordingMediaType(m))
	}
	return out
}
