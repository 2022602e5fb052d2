package awssdk

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func (s *Service) ListCompositions(ctx context.Context, region ivs.Region, q ivs.CompositionQuery) (ivs.Page[ivs.Composition], error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Page[ivs.Composition]{}, err
	}
	tok, max := listParams(q.ListQuery)
	in := &ivsrealtime.ListCompositionsInput{NextToken: tok, MaxResults: max}
	if q.StageARN != "" {
		in.FilterByStageArn = aws.String(q.StageARN)
	}
	if q.EncoderConfigurationARN != "" {
		in.FilterByEncoderConfigurationArn = aws.String(q.EncoderConfigurationARN)
	}
	out, err := call(ctx, s, "ListCompositions", string(region), func(ctx context.Context) (*ivsrealtime.ListCompositionsOutput, error) {
		return c.ListCompositions(ctx, in)
	})
	if err != nil {
		return ivs.Page[ivs.Composition]{}, err
	}
	page := ivs.Page[ivs.Composition]{NextToken: aws.ToString(out.NextToken), Items: make([]ivs.Composition, 0, len(out.Compositions))}
	for _, cs := range out.Compositions {
		page.Items = append(page.Items, compositionSummaryFrom(cs))
	}
	return page, nil
}

func (s *Service) GetComposition(ctx context.Context, region ivs.Region, arn string) (ivs.Composition, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Composition{}, err
	}
	out, err := call(ctx, s, "GetComposition", string(region), func(ctx context.Context) (*ivsrealtime.GetCompositionOutput, error) {
		return c.GetComposition(ctx, &ivsrealtime.GetCompositionInput{Arn: aws.String(arn)})
	})
	if err != nil {
		return ivs.Composition{}, err
	}
	return compositionFrom(out.Composition), nil
}

// StartComposition sends the idempotency key as IVS's idempotencyToken, so
// the SDK's retries and a double submit start one composition.
func (s *Service) StartComposition(ctx context.Context, region ivs.Region, in ivs.StartCompositionInput) (ivs.Composition, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Composition{}, err
	}
	req := &ivsrealtime.StartCompositionInput{StageArn: aws.String(in.StageARN), Layout: layoutTo(in.Layout), Tags: in.Tags,
		IdempotencyToken: optString(in.IdempotencyKey)}
	for _, d := range in.Destinations {
		dc := types.DestinationConfiguration{Name: optString(d.Name)}
		if d.ChannelARN != "" {
			ch := &types.ChannelDestinationConfiguration{ChannelArn: aws.String(d.ChannelARN)}
			if len(d.EncoderConfigurationARNs) > 0 {
				ch.EncoderConfigurationArn = aws.String(d.EncoderConfigurationARNs[0])
			}
			dc.Channel = ch
		}
		if d.StorageConfigurationARN != "" {
			dc.S3 = &types.S3DestinationConfiguration{StorageConfigurationArn: aws.String(d.StorageConfigurationARN), EncoderConfigurationArns: d.EncoderConfigurationARNs}
		}
		req.Destinations = append(req.Destinations, dc)
	}
	out, err := call(ctx, s, "StartComposition", string(region), func(ctx context.Context) (*ivsrealtime.StartCompositionOutput, error) {
		return c.StartComposition(ctx, req)
	})
	if err != nil {
		return ivs.Composition{}, err
	}
	return compositionFrom(out.Composition), nil
}

func (s *Service) StopComposition(ctx context.Context, region ivs.Region, arn string) error {
	c, err := s.client(region)
	if err != nil {
		return err
	}
	_, err = call(ctx, s, "StopComposition", string(region), func(ctx context.Context) (*ivsrealtime.StopCompositionOutput, error) {
		return c.StopComposition(ctx, &ivsrealtime.StopCompositionInput{Arn: aws.String(arn)})
	})
	return err
}

func layoutTo(l ivs.Layout) *types.LayoutConfiguration {
	if l.Kind == ivs.LayoutPiP {
		return &types.LayoutConfiguration{Pip: &types.PipConfiguration{
			FeaturedParticipantAttribute: optString(l.FeaturedParticipantAttribute),
			OmitStoppedVideo:             l.OmitStoppedVideo,
			VideoFillMode:                types.VideoFillMode(l.VideoFillMode),
			GridGap:                      l.GridGap,
			PipParticipantAttribute:      optString(l.PipParticipantAttribute),
			PipBehavior:                  types.PipBehavior(l.PipBehavior),
			PipPosition:                  types.PipPosition(l.PipPosition),
			PipOffset:                    l.PipOffset,
		}}
	}
	return &types.LayoutConfiguration{Grid: &types.GridConfiguration{
		FeaturedParticipantAttribute: optString(l.FeaturedParticipantAttribute),
		OmitStoppedVideo:             l.OmitStoppedVideo,
		VideoFillMode:                types.VideoFillMode(l.VideoFillMode),
		VideoAspectRatio:             types.VideoAspectRatio(l.VideoAspectRatio),
		GridGap:                      l.GridGap,
	}}
}

func layoutFrom(l *types.LayoutConfiguration) ivs.Layout {
	switch {
	case l == nil:
		return ivs.Layout{}
	case l.Pip != nil:
		p := l.Pip
		return ivs.Layout{Kind: ivs.LayoutPiP, FeaturedParticipantAttribute: aws.ToString(p.FeaturedParticipantAttribute),
			OmitStoppedVideo: p.OmitStoppedVideo, VideoFillMode: string(p.VideoFillMode), GridGap: p.GridGap,
			PipParticipantAttribute: aws.ToString(p.PipParticipantAttribute), PipBehavior: string(p.PipBehavior),
			PipPosition: string(p.PipPosition), PipOffset: p.PipOffset}
	case l.Grid != nil:
		g := l.Grid
		return ivs.Layout{Kind: ivs.LayoutGrid, FeaturedParticipantAttribute: aws.ToString(g.FeaturedParticipantAttribute),
			OmitStoppedVideo: g.OmitStoppedVideo, VideoFillMode: string(g.VideoFillMode),
			VideoAspectRatio: string(g.VideoAspectRatio), GridGap: g.GridGap}
	}
	return ivs.Layout{}
}

func compositionFrom(c *types.Composition) ivs.Composition {
	if c == nil {
		return ivs.Composition{}
	}
	out := ivs.Composition{ARN: aws.ToString(c.Arn), ID: ivs.IDFromARN(aws.ToString(c.Arn)), StageARN: aws.ToString(c.StageArn),
		State: string(c.State), StartTime: aws.ToTime(c.StartTime), EndTime: aws.ToTime(c.EndTime),
		Layout: layoutFrom(c.Layout), Tags: c.Tags}
	for _, d := range c.Destinations {
		dest := ivs.Destination{ID: aws.ToString(d.Id), State: string(d.State), StartTime: aws.ToTime(d.StartTime), EndTime: aws.ToTime(d.EndTime)}
		if cfg := d.Configuration; cfg != nil {
			dest.Name = aws.ToString(cfg.Name)
			if ch := cfg.Channel; ch != nil {
				dest.ChannelARN = aws.ToString(ch.ChannelArn)
				if e := aws.ToString(ch.EncoderConfigurationArn); e != "" {
					dest.EncoderConfigurationARNs = []string{e}
				}
			}
			if s3 := cfg.S3; s3 != nil {
				dest.StorageConfigurationARN = aws.ToString(s3.StorageConfigurationArn)
				dest.EncoderConfigurationARNs = s3.EncoderConfigurationArns
			}
		}
		if det := d.Detail; det != nil && det.S3 != nil {
			dest.RecordingPrefix = aws.ToString(det.S3.RecordingPrefix)
		}
		out.Destinations = append(out.Destinations, dest)
	}
	return out
}

func compositionSummaryFrom(c types.CompositionSummary) ivs.Composition {
	out := ivs.Composition{ARN: aws.ToString(c.Arn), ID: ivs.IDFromARN(aws.ToString(c.Arn)), StageARN: aws.ToString(c.StageArn),
		State: string(c.State), StartTime: aws.ToTime(c.StartTime), EndTime: aws.ToTime(c.EndTime), Tags: c.Tags, Summary: true}
	for _, d := range c.Destinations {
		out.Destinations = append(out.Destinations, ivs.Destination{ID: aws.ToString(d.Id), State: string(d.State),
			StartTime: aws.ToTime(d.StartTime), EndTime: aws.ToTime(d.EndTime)})
	}
	return out
}
