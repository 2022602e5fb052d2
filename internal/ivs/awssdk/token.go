package awssdk

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// CreateParticipantToken mints a token. It is never retried automatically:
// a lost answer would leave a token nobody holds, and the person asking
// simply asks again.
func (s *Service) CreateParticipantToken(ctx context.Context, region ivs.Region, in ivs.CreateTokenInput) (ivs.ParticipantToken, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.ParticipantToken{}, err
	}
	req := &ivsrealtime.CreateParticipantTokenInput{StageArn: aws.String(in.StageARN), Attributes: in.Attributes}
	if in.UserID != "" {
		req.UserId = aws.String(in.UserID)
	}
	if in.DurationMinutes > 0 {
		req.Duration = aws.Int32(in.DurationMinutes)
	}
	for _, cp := range in.Capabilities {
		req.Capabilities = append(req.Capabilities, types.ParticipantTokenCapability(cp))
	}
	out, err := call(ctx, s, "CreateParticipantToken", string(region), func(ctx context.Context) (*ivsrealtime.CreateParticipantTokenOutput, error) {
		return c.CreateParticipantToken(ctx, req, func(o *ivsrealtime.Options) { o.RetryMaxAttempts = 1 })
	})
	if err != nil {
		return ivs.ParticipantToken{}, err
	}
	t := out.ParticipantToken
	if t == nil {
		return ivs.ParticipantToken{}, &ivs.Error{Kind: ivs.KindUnknown, Op: "CreateParticipantToken", Message: "IVS answered without a token"}
	}
	tok := ivs.ParticipantToken{
		ParticipantID:   aws.ToString(t.ParticipantId),
		UserID:          aws.ToString(t.UserId),
		Attributes:      t.Attributes,
		DurationMinutes: aws.ToInt32(t.Duration),
		ExpirationTime:  aws.ToTime(t.ExpirationTime),
		Token:           ivs.NewTokenSecret(aws.ToString(t.Token)),
	}
	for _, cp := range t.Capabilities {
		tok.Capabilities = append(tok.Capabilities, string(cp))
	}
	return tok, nil
}
