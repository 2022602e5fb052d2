package emulator

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
)

// The model documents thumbnailConfiguration.recordingMode's default as
// DISABLED (the emulator said INTERVAL).
func TestThumbnailRecordingIsDisabledByDefault(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.client("us-east-1")
	out := must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: aws.String("arn:aws:ivs:us-east-1:123456789012:storage-configuration/abcdABCDefgh"),
		},
	}))
	th := out.Stage.AutoParticipantRecordingConfiguration.ThumbnailConfiguration
	if th == nil || th.RecordingMode != types.ThumbnailRecordingModeDisabled {
		t.Errorf("thumbnail recording mode %+v, want DISABLED", th)
	}
	up := must(c.UpdateStage(ctx(), &ivsrealtime.UpdateStageInput{Arn: out.Stage.Arn,
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{
			StorageConfigurationArn: aws.String("arn:aws:ivs:us-east-1:123456789012:storage-configuration/abcdABCDefgh"),
		}}))
	if m := up.Stage.AutoParticipantRecordingConfiguration.ThumbnailConfiguration.RecordingMode; m != types.ThumbnailRecordingModeDisabled {
		t.Errorf("after an update: %s", m)
	}
}

// The model: the recording configuration "cannot be updated while recording
// is active". A stage whose live participants are being recorded answers
// ConflictException; its name can still change.
func TestRecordingConfigurationCannotChangeWhileRecording(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	var arn *string
	for _, name := range []string{"studio-b", "main-stage-keynote", "sports-feed-1", "backstage-greenroom"} {
		a, live := v.stageNamed("us-east-1", name)
		if live == "" {
			continue
		}
		ps := must(c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: aws.String(a), SessionId: aws.String(live), FilterByRecordingState: types.ParticipantRecordingFilterByRecordingStateActive}))
		if len(ps.Participants) > 0 {
			arn = aws.String(a)
			break
		}
	}
	if arn == nil {
		t.Fatal("the demo world records nobody in us-east-1")
	}
	_, err := c.UpdateStage(ctx(), &ivsrealtime.UpdateStageInput{Arn: arn,
		AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String("")}})
	var conflict *types.ConflictException
	if !errors.As(err, &conflict) {
		t.Fatalf("update while recording: %v, want ConflictException", err)
	}
	if _, err := c.UpdateStage(ctx(), &ivsrealtime.UpdateStageInput{Arn: arn, Name: aws.String("renamed-while-recording")}); err != nil {
		t.Errorf("a rename while recording: %v", err)
	}
}
