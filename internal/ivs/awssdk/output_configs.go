package awssdk

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Encoder and storage configurations and public keys: plain CRUD. Creates
// are not retried by the SDK (a lost answer would make a second one); these
// resources are cheap to see and delete, so no reconciliation is attempted.

func noRetry(o *ivsrealtime.Options) { o.RetryMaxAttempts = 1 }

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func optInt32(v int32) *int32 {
	if v == 0 {
		return nil
	}
	return aws.Int32(v)
}

func (s *Service) ListEncoderConfigurations(ctx context.Context, region ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.EncoderConfiguration], error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Page[ivs.EncoderConfiguration]{}, err
	}
	tok, max := listParams(q)
	out, err := call(ctx, s, "ListEncoderConfigurations", string(region), func(ctx context.Context) (*ivsrealtime.ListEncoderConfigurationsOutput, error) {
		return c.ListEncoderConfigurations(ctx, &ivsrealtime.ListEncoderConfigurationsInput{NextToken: tok, MaxResults: max})
	})
	if err != nil {
		return ivs.Page[ivs.EncoderConfiguration]{}, err
	}
	page := ivs.Page[ivs.EncoderConfiguration]{NextToken: aws.ToString(out.NextToken)}
	for _, e := range out.EncoderConfigurations {
		arn := aws.ToString(e.Arn)
		page.Items = append(page.Items, ivs.EncoderConfiguration{ARN: arn, ID: ivs.IDFromARN(arn), Name: aws.ToString(e.Name), Tags: e.Tags, Summary: true})
	}
	return page, nil
}

func (s *Service) GetEncoderConfiguration(ctx context.Context, region ivs.Region, arn string) (ivs.EncoderConfiguration, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.EncoderConfiguration{}, err
	}
	out, err := call(ctx, s, "GetEncoderConfiguration", string(region), func(ctx context.Context) (*ivsrealtime.GetEncoderConfigurationOutput, error) {
		return c.GetEncoderConfiguration(ctx, &ivsrealtime.GetEncoderConfigurationInput{Arn: aws.String(arn)})
	})
	if err != nil {
		return ivs.EncoderConfiguration{}, err
	}
	return encoderFrom(out.EncoderConfiguration), nil
}

func (s *Service) CreateEncoderConfiguration(ctx context.Context, region ivs.Region, in ivs.CreateEncoderInput) (ivs.EncoderConfiguration, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.EncoderConfiguration{}, err
	}
	req := &ivsrealtime.CreateEncoderConfigurationInput{Name: optString(in.Name), Tags: in.Tags}
	if in.Width != 0 || in.Height != 0 || in.Framerate != 0 || in.Bitrate != 0 {
		req.Video = &types.Video{Width: optInt32(in.Width), Height: optInt32(in.Height), Bitrate: optInt32(in.Bitrate)}
		if in.Framerate != 0 {
			req.Video.Framerate = aws.Float32(in.Framerate)
		}
	}
	out, err := call(ctx, s, "CreateEncoderConfiguration", string(region), func(ctx context.Context) (*ivsrealtime.CreateEncoderConfigurationOutput, error) {
		return c.CreateEncoderConfiguration(ctx, req, noRetry)
	})
	if err != nil {
		return ivs.EncoderConfiguration{}, err
	}
	return encoderFrom(out.EncoderConfiguration), nil
}

func (s *Service) DeleteEncoderConfiguration(ctx context.Context, region ivs.Region, arn string) error {
	c, err := s.client(region)
	if err != nil {
		return err
	}
	_, err = call(ctx, s, "DeleteEncoderConfiguration", string(region), func(ctx context.Context) (*ivsrealtime.DeleteEncoderConfigurationOutput, error) {
		return c.DeleteEncoderConfiguration(ctx, &ivsrealtime.DeleteEncoderConfigurationInput{Arn: aws.String(arn)})
	})
	return err
}

func encoderFrom(e *types.EncoderConfiguration) ivs.EncoderConfiguration {
	if e == nil {
		return ivs.EncoderConfiguration{}
	}
	arn := aws.ToString(e.Arn)
	out := ivs.EncoderConfiguration{ARN: arn, ID: ivs.IDFromARN(arn), Name: aws.ToString(e.Name), Tags: e.Tags}
	if v := e.Video; v != nil {
		out.Width, out.Height, out.Bitrate = aws.ToInt32(v.Width), aws.ToInt32(v.Height), aws.ToInt32(v.Bitrate)
		out.Framerate = aws.ToFloat32(v.Framerate)
	}
	return out
}

func (s *Service) ListStorageConfigurations(ctx context.Context, region ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.StorageConfiguration], error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Page[ivs.StorageConfiguration]{}, err
	}
	tok, max := listParams(q)
	out, err := call(ctx, s, "ListStorageConfigurations", string(region), func(ctx context.Context) (*ivsrealtime.ListStorageConfigurationsOutput, error) {
		return c.ListStorageConfigurations(ctx, &ivsrealtime.ListStorageConfigurationsInput{NextToken: tok, MaxResults: max})
	})
	if err != nil {
		return ivs.Page[ivs.StorageConfiguration]{}, err
	}
	page := ivs.Page[ivs.StorageConfiguration]{NextToken: aws.ToString(out.NextToken)}
	for _, sc := range out.StorageConfigurations {
		page.Items = append(page.Items, storageFrom(sc.Arn, sc.Name, sc.S3, sc.Tags))
	}
	return page, nil
}

func (s *Service) GetStorageConfiguration(ctx context.Context, region ivs.Region, arn string) (ivs.StorageConfiguration, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.StorageConfiguration{}, err
	}
	out, err := call(ctx, s, "GetStorageConfiguration", string(region), func(ctx context.Context) (*ivsrealtime.GetStorageConfigurationOutput, error) {
		return c.GetStorageConfiguration(ctx, &ivsrealtime.GetStorageConfigurationInput{Arn: aws.String(arn)})
	})
	if err != nil {
		return ivs.StorageConfiguration{}, err
	}
	sc := out.StorageConfiguration
	if sc == nil {
		return ivs.StorageConfiguration{}, nil
	}
	return storageFrom(sc.Arn, sc.Name, sc.S3, sc.Tags), nil
}

func (s *Service) CreateStorageConfiguration(ctx context.Context, region ivs.Region, in ivs.CreateStorageInput) (ivs.StorageConfiguration, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.StorageConfiguration{}, err
	}
	req := &ivsrealtime.CreateStorageConfigurationInput{Name: optString(in.Name), Tags: in.Tags,
		S3: &types.S3StorageConfiguration{BucketName: aws.String(in.S3Bucket)}}
	out, err := call(ctx, s, "CreateStorageConfiguration", string(region), func(ctx context.Context) (*ivsrealtime.CreateStorageConfigurationOutput, error) {
		return c.CreateStorageConfiguration(ctx, req, noRetry)
	})
	if err != nil {
		return ivs.StorageConfiguration{}, err
	}
	sc := out.StorageConfiguration
	if sc == nil {
		return ivs.StorageConfiguration{}, nil
	}
	return storageFrom(sc.Arn, sc.Name, sc.S3, sc.Tags), nil
}

func (s *Service) DeleteStorageConfiguration(ctx context.Context, region ivs.Region, arn string) error {
	c, err := s.client(region)
	if err != nil {
		return err
	}
	_, err = call(ctx, s, "DeleteStorageConfiguration", string(region), func(ctx context.Context) (*ivsrealtime.DeleteStorageConfigurationOutput, error) {
		return c.DeleteStorageConfiguration(ctx, &ivsrealtime.DeleteStorageConfigurationInput{Arn: aws.String(arn)})
	})
	return err
}

func storageFrom(arnp, name *string, s3 *types.S3StorageConfiguration, tags map[string]string) ivs.StorageConfiguration {
	arn := aws.ToString(arnp)
	out := ivs.StorageConfiguration{ARN: arn, ID: ivs.IDFromARN(arn), Name: aws.ToString(name), Tags: tags}
	if s3 != nil {
		out.S3Bucket = aws.ToString(s3.BucketName)
	}
	return out
}

func (s *Service) ListPublicKeys(ctx context.Context, region ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.PublicKey], error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.Page[ivs.PublicKey]{}, err
	}
	tok, max := listParams(q)
	out, err := call(ctx, s, "ListPublicKeys", string(region), func(ctx context.Context) (*ivsrealtime.ListPublicKeysOutput, error) {
		return c.ListPublicKeys(ctx, &ivsrealtime.ListPublicKeysInput{NextToken: tok, MaxResults: max})
	})
	if err != nil {
		return ivs.Page[ivs.PublicKey]{}, err
	}
	page := ivs.Page[ivs.PublicKey]{NextToken: aws.ToString(out.NextToken)}
	for _, k := range out.PublicKeys {
		arn := aws.ToString(k.Arn)
		page.Items = append(page.Items, ivs.PublicKey{ARN: arn, ID: ivs.IDFromARN(arn), Name: aws.ToString(k.Name), Tags: k.Tags, Summary: true})
	}
	return page, nil
}

func (s *Service) GetPublicKey(ctx context.Context, region ivs.Region, arn string) (ivs.PublicKey, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.PublicKey{}, err
	}
	out, err := call(ctx, s, "GetPublicKey", string(region), func(ctx context.Context) (*ivsrealtime.GetPublicKeyOutput, error) {
		return c.GetPublicKey(ctx, &ivsrealtime.GetPublicKeyInput{Arn: aws.String(arn)})
	})
	if err != nil {
		return ivs.PublicKey{}, err
	}
	return publicKeyFrom(out.PublicKey), nil
}

func (s *Service) ImportPublicKey(ctx context.Context, region ivs.Region, in ivs.ImportPublicKeyInput) (ivs.PublicKey, error) {
	c, err := s.client(region)
	if err != nil {
		return ivs.PublicKey{}, err
	}
	req := &ivsrealtime.ImportPublicKeyInput{PublicKeyMaterial: aws.String(in.PEM), Name: optString(in.Name), Tags: in.Tags}
	out, err := call(ctx, s, "ImportPublicKey", string(region), func(ctx context.Context) (*ivsrealtime.ImportPublicKeyOutput, error) {
		return c.ImportPublicKey(ctx, req, noRetry)
	})
	if err != nil {
		return ivs.PublicKey{}, err
	}
	return publicKeyFrom(out.PublicKey), nil
}

func (s *Service) DeletePublicKey(ctx context.Context, region ivs.Region, arn string) error {
	c, err := s.client(region)
	if err != nil {
		return err
	}
	_, err = call(ctx, s, "DeletePublicKey", string(region), func(ctx context.Context) (*ivsrealtime.DeletePublicKeyOutput, error) {
		return c.DeletePublicKey(ctx, &ivsrealtime.DeletePublicKeyInput{Arn: aws.String(arn)})
	})
	return err
}

func publicKeyFrom(k *types.PublicKey) ivs.PublicKey {
	if k == nil {
		return ivs.PublicKey{}
	}
	arn := aws.ToString(k.Arn)
	return ivs.PublicKey{ARN: arn, ID: ivs.IDFromARN(arn), Name: aws.ToString(k.Name), Fingerprint: aws.ToString(k.Fingerprint),
		PEM: aws.ToString(k.PublicKeyMaterial), Tags: k.Tags}
}
