package emulator

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
)

func TestStorageConfigurations(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.client("us-east-1", noRetries)

	sc := must(c.CreateStorageConfiguration(ctx(), &ivsrealtime.CreateStorageConfigurationInput{
		Name: aws.String("rec"), S3: &types.S3StorageConfiguration{BucketName: aws.String("my-bucket.rec")},
		Tags: map[string]string{"t": "1"}})).StorageConfiguration
	if !strings.HasPrefix(*sc.Arn, "arn:aws:ivs:us-east-1:123456789012:storage-configuration/") || *sc.Name != "rec" ||
		*sc.S3.BucketName != "my-bucket.rec" || sc.Tags["t"] != "1" {
		t.Fatalf("created %+v", sc)
	}
	other := must(c.CreateStorageConfiguration(ctx(), &ivsrealtime.CreateStorageConfigurationInput{
		S3: &types.S3StorageConfiguration{BucketName: aws.String("abc")}})).StorageConfiguration
	got := must(c.GetStorageConfiguration(ctx(), &ivsrealtime.GetStorageConfigurationInput{Arn: other.Arn})).StorageConfiguration
	if *got.S3.BucketName != "abc" || *got.Name != "" {
		t.Fatalf("get %+v", got)
	}
	page := must(c.ListStorageConfigurations(ctx(), &ivsrealtime.ListStorageConfigurationsInput{MaxResults: aws.Int32(1)}))
	if len(page.StorageConfigurations) != 1 || *page.StorageConfigurations[0].Arn != *sc.Arn || page.NextToken == nil ||
		*page.StorageConfigurations[0].S3.BucketName != "my-bucket.rec" {
		t.Fatalf("page 1 %+v", page)
	}
	page = must(c.ListStorageConfigurations(ctx(), &ivsrealtime.ListStorageConfigurationsInput{MaxResults: aws.Int32(1), NextToken: page.NextToken}))
	if len(page.StorageConfigurations) != 1 || *page.StorageConfigurations[0].Arn != *other.Arn || page.NextToken != nil {
		t.Fatalf("page 2 %+v", page)
	}
	// A token of another list is refused.
	enc := stagesToken(c)
	_, err := c.ListStorageConfigurations(ctx(), &ivsrealtime.ListStorageConfigurationsInput{NextToken: enc})
	if errCode(err) != errValidation {
		t.Fatalf("foreign token: %v", err)
	}

	must(c.UntagResource(ctx(), &ivsrealtime.UntagResourceInput{ResourceArn: sc.Arn, TagKeys: []string{"t"}}))
	if tags := must(c.ListTagsForResource(ctx(), &ivsrealtime.ListTagsForResourceInput{ResourceArn: sc.Arn})).Tags; len(tags) != 0 {
		t.Fatalf("tags after untag %v", tags)
	}

	// A stage recording into it: ConflictException until recording is off.
	st := must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: sc.Arn}})).Stage
	_, err = c.DeleteStorageConfiguration(ctx(), &ivsrealtime.DeleteStorageConfigurationInput{Arn: sc.Arn})
	var ce *types.ConflictException
	if !errors.As(err, &ce) || !strings.Contains(*ce.ExceptionMessage, *st.Arn) {
		t.Fatalf("delete in use: %v", err)
	}
	must(c.UpdateStage(ctx(), &ivsrealtime.UpdateStageInput{Arn: st.Arn,
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String("")}}))
	must(c.DeleteStorageConfiguration(ctx(), &ivsrealtime.DeleteStorageConfigurationInput{Arn: sc.Arn}))
	_, err = c.GetStorageConfiguration(ctx(), &ivsrealtime.GetStorageConfigurationInput{Arn: sc.Arn})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("get after delete: %v", err)
	}
}

// stagesToken returns a ListStages nextToken (two new stages, one per page).
func stagesToken(c *ivsrealtime.Client) *string {
	for range 2 {
		must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{}))
	}
	return must(c.ListStages(ctx(), &ivsrealtime.ListStagesInput{MaxResults: aws.Int32(1)})).NextToken
}

func TestStorageConfigurationValidation(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.client("us-east-1", noRetries)
	for _, tc := range []struct {
		in   *ivsrealtime.CreateStorageConfigurationInput
		want string
	}{
		{&ivsrealtime.CreateStorageConfigurationInput{S3: &types.S3StorageConfiguration{BucketName: aws.String("ab")}},
			"Value 'ab' at 's3.bucketName' failed to satisfy constraint: Member must have length between 3 and 63, inclusive"},
		{&ivsrealtime.CreateStorageConfigurationInput{S3: &types.S3StorageConfiguration{BucketName: aws.String("My_Bucket")}},
			"at 's3.bucketName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-z0-9-.]+"},
	} {
		_, err := c.CreateStorageConfiguration(ctx(), tc.in)
		var ve *types.ValidationException
		if !errors.As(err, &ve) || !strings.Contains(*ve.ExceptionMessage, tc.want) {
			t.Errorf("%+v: %v, want %q", tc.in, err, tc.want)
		}
	}
	// The SDK checks required members itself; the wire is checked too.
	resp, body := v.raw("CreateStorageConfiguration", `{}`)
	if resp.StatusCode != 400 || !strings.Contains(body, "Value null at 's3' failed to satisfy constraint: Member must not be null") {
		t.Fatalf("missing s3: %d %s", resp.StatusCode, body)
	}
	resp, body = v.raw("CreateStorageConfiguration", `{"s3":{}}`)
	if resp.StatusCode != 400 || !strings.Contains(body, "Value null at 's3.bucketName'") {
		t.Fatalf("missing bucketName: %d %s", resp.StatusCode, body)
	}
	resp, body = v.raw("GetStorageConfiguration", `{"arn":""}`)
	if resp.StatusCode != 400 || !strings.Contains(body, "Member must have length between 1 and 128") {
		t.Fatalf("empty arn: %d %s", resp.StatusCode, body)
	}
}

func TestDemoStorageConfigurations(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	list := must(c.ListStorageConfigurations(ctx(), &ivsrealtime.ListStorageConfigurationsInput{})).StorageConfigurations
	if len(list) == 0 {
		t.Fatal("the demo's recording stages have no storage configurations")
	}
	for _, st := range must(c.ListStages(ctx(), &ivsrealtime.ListStagesInput{})).Stages {
		full := must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: st.Arn})).Stage
		if r := full.AutoParticipantRecordingConfiguration; r != nil && *r.StorageConfigurationArn != "" {
			must(c.GetStorageConfiguration(ctx(), &ivsrealtime.GetStorageConfigurationInput{Arn: r.StorageConfigurationArn}))
		}
	}
}
