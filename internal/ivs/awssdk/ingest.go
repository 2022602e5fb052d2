package awssdk

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func (s *Service) ListIngestConfigurations(ctx context.Context, region ivs.Region, q ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Page[ivs.IngestConfiguration]{}, err
	}
	tok, max := listParams(q.ListQuery)
	in := &ivsrealtime.ListIngestConfigurationsInput{NextToken: tok, MaxResults: max, FilterByState: types.IngestConfigurationState(q.State)}
	if q.StageARN != "" {
		in.FilterByStageArn = aws.String(q.StageARN)
	}
	out, err := call(ctx, s, "ListIngestConfigurations", string(region), func(ctx context.Context) (*ivsrealtime.ListIngestConfigurationsOutput, error) {
		return c.ListIngestConfigurations(ctx, in)
	})
	if err != nil {
		return ivs.Page[ivs.IngestConfiguration]{}, err
	}
	page := ivs.Page[ivs.IngestConfiguration]{NextToken: aws.ToString(out.NextToken), Items: make([]ivs.IngestConfiguration, 0, len(out.IngestConfigurations))}
	for _, ic := range out.IngestConfigurations {
		page.Items = append(page.Items, ingestSummaryFrom(ic))
	}
	return page, nil
}

func (s *Service) getIngest(ctx context.Context, region ivs.Region, arn string, op string) (*types.IngestConfiguration, error) {
	c, err := s.client(region)
	if err != nil {
		return nil, err
	}
	out, err := call(ctx, s, op, string(region), func(ctx context.Context) (*ivsrealtime.GetIngestConfigurationOutput, error) {
		return c.GetIngestConfiguration(ctx, &ivsrealtime.GetIngestConfigurationInput{Arn: aws.String(arn)})
	})
	if err != nil {
		return nil, err
	}
	return out.IngestConfiguration, nil
}

func (s *Service) GetIngestConfiguration(ctx context.Context, region ivs.Region, arn string) (ivs.IngestConfiguration, error) {
	ic, err := s.getIngest(ctx, region, arn, "GetIngestConfiguration")
	if err != nil {
		return ivs.IngestConfiguration{}, err
	}
	return ingestFrom(ic, false), nil
}

// RevealStreamKeys is GetIngestConfiguration keeping the keys; its metrics
// carry the same operation name, since it is the same upstream call.
func (s *Service) RevealStreamKeys(ctx context.Context, region ivs.Region, arn string) (ivs.IngestConfiguration, error) {
	ic, err := s.getIngest(ctx, region, arn, "GetIngestConfiguration")
	if err != nil {
		return ivs.IngestConfiguration{}, err
	}
	return ingestFrom(ic, true), nil
}

// CreateIngestConfiguration creates at most one configuration per
// IdempotencyKey, even when the form is submitted twice or a response is lost
// (see create_guard.go).
func (s *Service) CreateIngestConfiguration(ctx context.Context, region ivs.Region, in ivs.CreateIngestInput) (ivs.IngestConfiguration, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.IngestConfiguration{}, err
	}
	if in.IdempotencyKey == "" {
		return s.createOnce(ctx, c, region, in)
	}
	arn, err := s.creates.do(region, in.IdempotencyKey, func() (string, error) {
		ic, err := s.createReconciled(ctx, c, region, in)
		return ic.ARN, err
	})
	if err != nil {
		return ivs.IngestConfiguration{}, err
	}
	return s.GetIngestConfiguration(ctx, region, arn)
}

func (s *Service) createOnce(ctx context.Context, c *ivsrealtime.Client, region ivs.Region, in ivs.CreateIngestInput) (ivs.IngestConfiguration, error) {
	req := &ivsrealtime.CreateIngestConfigurationInput{
		IngestProtocol:  types.IngestProtocol(in.Protocol),
		InsecureIngest:  in.InsecureIngest,
		RedundantIngest: in.RedundantIngest,
		Attributes:      in.Attributes,
	}
	if in.Name != "" {
		req.Name = aws.String(in.Name)
	}
	if in.StageARN != "" {
		req.StageArn = aws.String(in.StageARN)
	}
	if in.UserID != "" {
		req.UserId = aws.String(in.UserID)
	}
	req.Tags = tagsWithKey(in.Tags, in.IdempotencyKey)
	out, err := call(ctx, s, "CreateIngestConfiguration", string(region), func(ctx context.Context) (*ivsrealtime.CreateIngestConfigurationOutput, error) {
		// No automatic retry: a retried create whose first response was lost
		// would make a second configuration. createReconciled retries safely.
		return c.CreateIngestConfiguration(ctx, req, func(o *ivsrealtime.Options) { o.RetryMaxAttempts = 1 })
	})
	if err != nil {
		return ivs.IngestConfiguration{}, err
	}
	return ingestFrom(out.IngestConfiguration, false), nil
}

func (s *Service) UpdateIngestConfiguration(ctx context.Context, region ivs.Region, in ivs.UpdateIngestInput) (ivs.IngestConfiguration, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.IngestConfiguration{}, err
	}
	req := &ivsrealtime.UpdateIngestConfigurationInput{Arn: aws.String(in.ARN), RedundantIngest: in.RedundantIngest}
	if in.StageARN != "" {
		req.StageArn = aws.String(in.StageARN)
	}
	out, err := call(ctx, s, "UpdateIngestConfiguration", string(region), func(ctx context.Context) (*ivsrealtime.UpdateIngestConfigurationOutput, error) {
		return c.UpdateIngestConfiguration(ctx, req)
	})
	if err != nil {
		return ivs.IngestConfiguration{}, err
	}
	return ingestFrom(out.IngestConfiguration, false), nil
}

func (s *Service) DeleteIngestConfiguration(ctx context.Context, region ivs.Region, arn string, force bool) error {
	c, err := s.client(region)
	if err != nil {
		return err
	}
	_, err = call(ctx, s, "DeleteIngestConfiguration", string(region), func(ctx context.Context) (*ivsrealtime.DeleteIngestConfigurationOutput, error) {
		return c.DeleteIngestConfiguration(ctx, &ivsrealtime.DeleteIngestConfigurationInput{Arn: aws.String(arn), Force: force})
	})
	return err
}
