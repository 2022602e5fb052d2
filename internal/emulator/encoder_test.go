package emulator

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
)

func TestEncoderConfigurations(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.client("us-east-1", noRetries)

	def := must(c.CreateEncoderConfiguration(ctx(), &ivsrealtime.CreateEncoderConfigurationInput{
		Name: aws.String("default"), Tags: map[string]string{"team": "a"}})).EncoderConfiguration
	if !strings.HasPrefix(*def.Arn, "arn:aws:ivs:us-east-1:123456789012:encoder-configuration/") || *def.Name != "default" ||
		*def.Video.Width != 1280 || *def.Video.Height != 720 || *def.Video.Framerate != 30 || *def.Video.Bitrate != 2500000 ||
		def.Tags["team"] != "a" {
		t.Fatalf("created %+v video %+v", def, def.Video)
	}
	hd := must(c.CreateEncoderConfiguration(ctx(), &ivsrealtime.CreateEncoderConfigurationInput{
		Video: &types.Video{Width: aws.Int32(1080), Height: aws.Int32(1920), Framerate: aws.Float32(59.94), Bitrate: aws.Int32(8500000)}})).EncoderConfiguration
	got := must(c.GetEncoderConfiguration(ctx(), &ivsrealtime.GetEncoderConfigurationInput{Arn: hd.Arn})).EncoderConfiguration
	if *got.Video.Width != 1080 || *got.Video.Height != 1920 || *got.Video.Framerate != 59.94 || *got.Name != "" {
		t.Fatalf("get %+v", got.Video)
	}

	// Paging: one per page, in creation order, tokens opaque.
	var arns []string
	var next *string
	for {
		page := must(c.ListEncoderConfigurations(ctx(), &ivsrealtime.ListEncoderConfigurationsInput{MaxResults: aws.Int32(1), NextToken: next}))
		for _, s := range page.EncoderConfigurations {
			arns = append(arns, *s.Arn)
		}
		if next = page.NextToken; next == nil {
			break
		}
	}
	if len(arns) != 2 || arns[0] != *def.Arn || arns[1] != *hd.Arn {
		t.Fatalf("listed %v", arns)
	}
	_, err := c.ListEncoderConfigurations(ctx(), &ivsrealtime.ListEncoderConfigurationsInput{NextToken: aws.String("AAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAA")})
	if errCode(err) != errValidation {
		t.Fatalf("forged token: %v", err)
	}

	// Tags through the tag operations.
	must(c.TagResource(ctx(), &ivsrealtime.TagResourceInput{ResourceArn: hd.Arn, Tags: map[string]string{"k": "v"}}))
	tags := must(c.ListTagsForResource(ctx(), &ivsrealtime.ListTagsForResourceInput{ResourceArn: hd.Arn})).Tags
	if tags["k"] != "v" {
		t.Fatalf("tags %v", tags)
	}

	must(c.DeleteEncoderConfiguration(ctx(), &ivsrealtime.DeleteEncoderConfigurationInput{Arn: def.Arn}))
	_, err = c.GetEncoderConfiguration(ctx(), &ivsrealtime.GetEncoderConfigurationInput{Arn: def.Arn})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("get after delete: %v", err)
	}
	_, err = c.DeleteEncoderConfiguration(ctx(), &ivsrealtime.DeleteEncoderConfigurationInput{Arn: def.Arn})
	if !errors.As(err, &nf) {
		t.Fatalf("second delete: %v", err)
	}
}

func TestEncoderConfigurationValidation(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.client("us-east-1", noRetries)
	for _, tc := range []struct {
		video *types.Video
		name  string
		want  string
	}{
		{&types.Video{Width: aws.Int32(1)}, "", "Value '1' at 'video.width' failed to satisfy constraint: Member must have value greater than or equal to 2"},
		{&types.Video{Height: aws.Int32(2000)}, "", "at 'video.height' failed to satisfy constraint: Member must have value less than or equal to 1920"},
		{&types.Video{Framerate: aws.Float32(61)}, "", "at 'video.framerate'"},
		{&types.Video{Bitrate: aws.Int32(8500001)}, "", "at 'video.bitrate'"},
		{&types.Video{Width: aws.Int32(1281)}, "", "must be even"},
		{&types.Video{Width: aws.Int32(1920), Height: aws.Int32(1920)}, "", "exceeds the maximum of 2073600 total pixels"},
		{nil, "bad name", "at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern"},
	} {
		in := &ivsrealtime.CreateEncoderConfigurationInput{Video: tc.video}
		if tc.name != "" {
			in.Name = aws.String(tc.name)
		}
		_, err := c.CreateEncoderConfiguration(ctx(), in)
		var ve *types.ValidationException
		if !errors.As(err, &ve) || !strings.Contains(*ve.ExceptionMessage, tc.want) {
			t.Errorf("%+v: %v, want %q", tc.video, err, tc.want)
		}
	}
	resp, body := v.raw("GetEncoderConfiguration", `{"arn":"arn:aws:ivs:us-east-1:123456789012:stage/abc"}`)
	if resp.StatusCode != 400 || !strings.Contains(body, "encoder-configuration/") {
		t.Fatalf("stage ARN as encoder ARN: %d %s", resp.StatusCode, body)
	}
	resp, body = v.raw("DeleteEncoderConfiguration", `{}`)
	if resp.StatusCode != 400 || !strings.Contains(body, "Value null at 'arn'") {
		t.Fatalf("missing arn: %d %s", resp.StatusCode, body)
	}
}
