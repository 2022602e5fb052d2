package emulator

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
)

// compositionWorld is a stage with a live session (one publisher), an
// encoder configuration and a storage configuration.
func compositionWorld(t *testing.T) (v *env, c *ivsrealtime.Client, stageArn, encArn, storArn string) {
	v = newEnv(t, SeedEmpty)
	c = v.client("us-east-1", noRetries)
	st := must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Name: aws.String("show")})).Stage
	if code, body := v.admin("POST", "participants/add", fmt.Sprintf(`{"stage":%q,"count":1,"published":true}`, *st.Arn)); code != 200 {
		t.Fatalf("participants/add: %d %s", code, body)
	}
	enc := must(c.CreateEncoderConfiguration(ctx(), &ivsrealtime.CreateEncoderConfigurationInput{})).EncoderConfiguration
	stor := must(c.CreateStorageConfiguration(ctx(), &ivsrealtime.CreateStorageConfigurationInput{
		S3: &types.S3StorageConfiguration{BucketName: aws.String("recordings")}})).StorageConfiguration
	return v, c, *st.Arn, *enc.Arn, *stor.Arn
}

// errMessage is the exceptionMessage of a typed IVS error, "" if none.
func errMessage(err error) string {
	var ve *types.ValidationException
	var nf *types.ResourceNotFoundException
	var ce *types.ConflictException
	switch {
	case errors.As(err, &ve):
		return aws.ToString(ve.ExceptionMessage)
	case errors.As(err, &nf):
		return aws.ToString(nf.ExceptionMessage)
	case errors.As(err, &ce):
		return aws.ToString(ce.ExceptionMessage)
	}
	return ""
}

const testChannel = "arn:aws:ivs:us-east-1:123456789012:channel/abcdEFGH1234"

func TestCompositionLifecycle(t *testing.T) {
	v, c, stageArn, encArn, storArn := compositionWorld(t)
	in := &ivsrealtime.StartCompositionInput{
		StageArn:         aws.String(stageArn),
		IdempotencyToken: aws.String("tok-1"),
		Destinations: []types.DestinationConfiguration{
			{Name: aws.String("live"), Channel: &types.ChannelDestinationConfiguration{ChannelArn: aws.String(testChannel), EncoderConfigurationArn: aws.String(encArn)}},
			{S3: &types.S3DestinationConfiguration{StorageConfigurationArn: aws.String(storArn), EncoderConfigurationArns: []string{encArn}}},
		},
		Tags: map[string]string{"show": "1"},
	}
	comp := must(c.StartComposition(ctx(), in)).Composition
	if comp.State != types.CompositionStateStarting || *comp.StageArn != stageArn || comp.Tags["show"] != "1" ||
		!strings.HasPrefix(*comp.Arn, "arn:aws:ivs:us-east-1:123456789012:composition/") || comp.StartTime == nil || comp.EndTime != nil {
		t.Fatalf("started %+v", comp)
	}
	g := comp.Layout.Grid
	if g == nil || comp.Layout.Pip != nil || g.GridGap != 2 || g.VideoAspectRatio != types.VideoAspectRatioVideo || *g.FeaturedParticipantAttribute != "" {
		t.Fatalf("default layout %+v", comp.Layout)
	}
	if len(comp.Destinations) != 2 || comp.Destinations[0].State != types.DestinationStateStarting ||
		*comp.Destinations[0].Configuration.Channel.ChannelArn != testChannel || comp.Destinations[0].Detail != nil ||
		comp.Destinations[1].Detail == nil || !strings.Contains(*comp.Destinations[1].Detail.S3.RecordingPrefix, *comp.Destinations[1].Id) ||
		comp.Destinations[1].Configuration.S3.RecordingConfiguration.Format != types.RecordingConfigurationFormatHls {
		t.Fatalf("destinations %+v", comp.Destinations)
	}

	// Idempotency: the same request returns the same composition; the same
	// token with another request is a conflict.
	again := must(c.StartComposition(ctx(), in)).Composition
	if *again.Arn != *comp.Arn {
		t.Fatalf("idempotent start made %s", *again.Arn)
	}
	other := *in
	other.Tags = map[string]string{"show": "2"}
	_, err := c.StartComposition(ctx(), &other)
	var ce *types.ConflictException
	if !errors.As(err, &ce) || !strings.Contains(*ce.ExceptionMessage, "idempotencyToken") {
		t.Fatalf("reused token: %v", err)
	}
	// The channel is taken.
	_, err = c.StartComposition(ctx(), &ivsrealtime.StartCompositionInput{StageArn: aws.String(stageArn),
		Destinations: []types.DestinationConfiguration{{Channel: &types.ChannelDestinationConfiguration{ChannelArn: aws.String(testChannel)}}}})
	if !errors.As(err, &ce) {
		t.Fatalf("channel in use: %v", err)
	}

	v.clock.Advance(compositionStartDelay)
	got := must(c.GetComposition(ctx(), &ivsrealtime.GetCompositionInput{Arn: comp.Arn})).Composition
	if got.State != types.CompositionStateActive || got.Destinations[0].State != types.DestinationStateActive || got.Destinations[1].State != types.DestinationStateActive {
		t.Fatalf("after start delay %s %+v", got.State, got.Destinations)
	}

	// In use: encoder and storage configurations cannot be deleted.
	_, err = c.DeleteEncoderConfiguration(ctx(), &ivsrealtime.DeleteEncoderConfigurationInput{Arn: aws.String(encArn)})
	if !errors.As(err, &ce) || !strings.Contains(*ce.ExceptionMessage, *comp.Arn) {
		t.Fatalf("delete encoder in use: %v", err)
	}
	_, err = c.DeleteStorageConfiguration(ctx(), &ivsrealtime.DeleteStorageConfigurationInput{Arn: aws.String(storArn)})
	if !errors.As(err, &ce) {
		t.Fatalf("delete storage in use: %v", err)
	}

	// Tags through the tag operations.
	must(c.TagResource(ctx(), &ivsrealtime.TagResourceInput{ResourceArn: comp.Arn, Tags: map[string]string{"k": "v"}}))
	if tags := must(c.ListTagsForResource(ctx(), &ivsrealtime.ListTagsForResourceInput{ResourceArn: comp.Arn})).Tags; tags["k"] != "v" || tags["show"] != "1" {
		t.Fatalf("tags %v", tags)
	}

	// A pip composition on another stage; list filters and paging.
	st2 := must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{})).Stage
	pip := must(c.StartComposition(ctx(), &ivsrealtime.StartCompositionInput{StageArn: st2.Arn,
		Layout: &types.LayoutConfiguration{Pip: &types.PipConfiguration{PipPosition: types.PipPositionTopLeft, PipWidth: aws.Int32(320)}},
		Destinations: []types.DestinationConfiguration{{S3: &types.S3DestinationConfiguration{
			StorageConfigurationArn: aws.String(storArn), EncoderConfigurationArns: []string{encArn}}}}})).Composition
	p := pip.Layout.Pip
	if p == nil || p.PipPosition != types.PipPositionTopLeft || *p.PipWidth != 320 || p.PipBehavior != types.PipBehaviorStatic ||
		p.VideoFillMode != types.VideoFillModeCover {
		t.Fatalf("pip layout %+v", pip.Layout)
	}
	page := must(c.ListCompositions(ctx(), &ivsrealtime.ListCompositionsInput{MaxResults: aws.Int32(1)}))
	if len(page.Compositions) != 1 || *page.Compositions[0].Arn != *comp.Arn || page.NextToken == nil ||
		len(page.Compositions[0].Destinations) != 2 || page.Compositions[0].State != types.CompositionStateActive {
		t.Fatalf("page 1 %+v", page.Compositions)
	}
	page = must(c.ListCompositions(ctx(), &ivsrealtime.ListCompositionsInput{MaxResults: aws.Int32(1), NextToken: page.NextToken}))
	if len(page.Compositions) != 1 || *page.Compositions[0].Arn != *pip.Arn || page.NextToken != nil {
		t.Fatalf("page 2 %+v", page.Compositions)
	}
	_, err = c.ListCompositions(ctx(), &ivsrealtime.ListCompositionsInput{FilterByStageArn: st2.Arn, NextToken: aws.String("x")})
	if errCode(err) != errValidation {
		t.Fatalf("bad token: %v", err)
	}
	byStage := must(c.ListCompositions(ctx(), &ivsrealtime.ListCompositionsInput{FilterByStageArn: st2.Arn})).Compositions
	byEnc := must(c.ListCompositions(ctx(), &ivsrealtime.ListCompositionsInput{FilterByEncoderConfigurationArn: aws.String(encArn)})).Compositions
	if len(byStage) != 1 || *byStage[0].Arn != *pip.Arn || len(byEnc) != 2 {
		t.Fatalf("filters: stage %d, encoder %d", len(byStage), len(byEnc))
	}

	// Stop: STOPPING, then STOPPED with end times; the configurations are free.
	must(c.StopComposition(ctx(), &ivsrealtime.StopCompositionInput{Arn: comp.Arn}))
	must(c.StopComposition(ctx(), &ivsrealtime.StopCompositionInput{Arn: pip.Arn}))
	got = must(c.GetComposition(ctx(), &ivsrealtime.GetCompositionInput{Arn: comp.Arn})).Composition
	if got.State != types.CompositionStateStopping || got.Destinations[0].State != types.DestinationStateStopping {
		t.Fatalf("after stop %s", got.State)
	}
	v.clock.Advance(compositionStopDelay)
	got = must(c.GetComposition(ctx(), &ivsrealtime.GetCompositionInput{Arn: comp.Arn})).Composition
	if got.State != types.CompositionStateStopped || got.EndTime == nil || got.Destinations[1].EndTime == nil ||
		got.Destinations[1].State != types.DestinationStateStopped {
		t.Fatalf("after stop delay %+v", got)
	}
	must(c.StopComposition(ctx(), &ivsrealtime.StopCompositionInput{Arn: comp.Arn})) // no-op
	must(c.DeleteEncoderConfiguration(ctx(), &ivsrealtime.DeleteEncoderConfigurationInput{Arn: aws.String(encArn)}))
	must(c.DeleteStorageConfiguration(ctx(), &ivsrealtime.DeleteStorageConfigurationInput{Arn: aws.String(storArn)}))

	// Stopped compositions are deleted after the retention.
	v.clock.Advance(compositionRetention)
	_, err = c.GetComposition(ctx(), &ivsrealtime.GetCompositionInput{Arn: comp.Arn})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("after retention: %v", err)
	}
	_, err = c.StopComposition(ctx(), &ivsrealtime.StopCompositionInput{Arn: comp.Arn})
	if !errors.As(err, &nf) {
		t.Fatalf("stop after retention: %v", err)
	}
}

func TestCompositionStopsWithoutParticipants(t *testing.T) {
	v, c, stageArn, encArn, storArn := compositionWorld(t)
	dest := []types.DestinationConfiguration{{S3: &types.S3DestinationConfiguration{
		StorageConfigurationArn: aws.String(storArn), EncoderConfigurationArns: []string{encArn}}}}
	comp := must(c.StartComposition(ctx(), &ivsrealtime.StartCompositionInput{StageArn: aws.String(stageArn), Destinations: dest})).Composition

	// The session ends: a minute later the composition stops.
	if code, body := v.admin("POST", "session/end", fmt.Sprintf(`{"stage":%q}`, stageArn)); code != 200 {
		t.Fatalf("session/end: %d %s", code, body)
	}
	v.clock.Advance(compositionIdleTimeout - time.Second)
	if got := must(c.GetComposition(ctx(), &ivsrealtime.GetCompositionInput{Arn: comp.Arn})).Composition; got.State != types.CompositionStateActive {
		t.Fatalf("before the idle timeout: %s", got.State)
	}
	v.clock.Advance(time.Second)
	if got := must(c.GetComposition(ctx(), &ivsrealtime.GetCompositionInput{Arn: comp.Arn})).Composition; got.State != types.CompositionStateStopping {
		t.Fatalf("after the idle timeout: %s", got.State)
	}
	v.clock.Advance(compositionStopDelay)
	if got := must(c.GetComposition(ctx(), &ivsrealtime.GetCompositionInput{Arn: comp.Arn})).Composition; got.State != types.CompositionStateStopped {
		t.Fatalf("after the stop delay: %s", got.State)
	}

	// Started on an empty stage: STARTING, ACTIVE, then stopped after a minute.
	empty := must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{})).Stage
	comp = must(c.StartComposition(ctx(), &ivsrealtime.StartCompositionInput{StageArn: empty.Arn, Destinations: dest})).Composition
	v.clock.Advance(compositionIdleTimeout + compositionStopDelay)
	if got := must(c.GetComposition(ctx(), &ivsrealtime.GetCompositionInput{Arn: comp.Arn})).Composition; got.State != types.CompositionStateStopped {
		t.Fatalf("empty stage: %s", got.State)
	}

	// A deleted stage stops its compositions at once.
	st := must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{})).Stage
	comp = must(c.StartComposition(ctx(), &ivsrealtime.StartCompositionInput{StageArn: st.Arn, Destinations: dest})).Composition
	must(c.DeleteStage(ctx(), &ivsrealtime.DeleteStageInput{Arn: st.Arn}))
	if got := must(c.GetComposition(ctx(), &ivsrealtime.GetCompositionInput{Arn: comp.Arn})).Composition; got.State != types.CompositionStateStopping {
		t.Fatalf("deleted stage: %s", got.State)
	}
}

func TestCompositionValidation(t *testing.T) {
	v, c, stageArn, encArn, storArn := compositionWorld(t)
	s3 := &types.S3DestinationConfiguration{StorageConfigurationArn: aws.String(storArn), EncoderConfigurationArns: []string{encArn}}
	ch := &types.ChannelDestinationConfiguration{ChannelArn: aws.String(testChannel)}
	for _, tc := range []struct {
		in   *ivsrealtime.StartCompositionInput
		code string
		want string
	}{
		{&ivsrealtime.StartCompositionInput{StageArn: aws.String(stageArn), Destinations: []types.DestinationConfiguration{{S3: s3, Channel: ch}}},
			errValidation, "exactly one of channel or s3"},
		{&ivsrealtime.StartCompositionInput{StageArn: aws.String(stageArn), Destinations: []types.DestinationConfiguration{{S3: s3}, {S3: s3}, {S3: s3}}},
			errValidation, "at 'destinations' failed to satisfy constraint: Member must have length between 1 and 2, inclusive"},
		{&ivsrealtime.StartCompositionInput{StageArn: aws.String(stageArn), Destinations: []types.DestinationConfiguration{{S3: s3}},
			Layout: &types.LayoutConfiguration{Grid: &types.GridConfiguration{}, Pip: &types.PipConfiguration{}}},
			errValidation, "Only one layout"},
		{&ivsrealtime.StartCompositionInput{StageArn: aws.String(stageArn), Destinations: []types.DestinationConfiguration{{S3: s3}},
			Layout: &types.LayoutConfiguration{Pip: &types.PipConfiguration{PipWidth: aws.Int32(0)}}},
			errValidation, "Value '0' at 'layout.pip.pipWidth' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{&ivsrealtime.StartCompositionInput{StageArn: aws.String(stageArn), Destinations: []types.DestinationConfiguration{{S3: s3}},
			IdempotencyToken: aws.String("no spaces")},
			errValidation, "at 'idempotencyToken'"},
		{&ivsrealtime.StartCompositionInput{StageArn: aws.String(stageArn), Destinations: []types.DestinationConfiguration{{Channel: &types.ChannelDestinationConfiguration{
			ChannelArn: aws.String("arn:aws:ivs:us-east-1:123456789012:stage/abc")}}}},
			errValidation, "at 'destinations.member.channel.channelArn' failed to satisfy constraint: Member must satisfy regular expression pattern"},
		{&ivsrealtime.StartCompositionInput{StageArn: aws.String("arn:aws:ivs:us-east-1:123456789012:stage/nope"), Destinations: []types.DestinationConfiguration{{S3: s3}}},
			errNotFound, "Stage not found"},
		{&ivsrealtime.StartCompositionInput{StageArn: aws.String(stageArn), Destinations: []types.DestinationConfiguration{{S3: &types.S3DestinationConfiguration{
			StorageConfigurationArn: aws.String(storArn), EncoderConfigurationArns: []string{"arn:aws:ivs:us-east-1:123456789012:encoder-configuration/nope"}}}}},
			errNotFound, "Encoder configuration not found"},
		{&ivsrealtime.StartCompositionInput{StageArn: aws.String(stageArn), Destinations: []types.DestinationConfiguration{{S3: &types.S3DestinationConfiguration{
			StorageConfigurationArn: aws.String("arn:aws:ivs:us-east-1:123456789012:storage-configuration/nope"), EncoderConfigurationArns: []string{encArn}}}}},
			errNotFound, "Storage configuration not found"},
	} {
		_, err := c.StartComposition(ctx(), tc.in)
		if errCode(err) != tc.code || !strings.Contains(errMessage(err), tc.want) {
			t.Errorf("%v, want %s %q", err, tc.code, tc.want)
		}
	}
	resp, body := v.raw("StartComposition", fmt.Sprintf(`{"stageArn":%q}`, stageArn))
	if resp.StatusCode != 400 || !strings.Contains(body, "Value null at 'destinations'") {
		t.Fatalf("no destinations: %d %s", resp.StatusCode, body)
	}
	resp, body = v.raw("StartComposition", fmt.Sprintf(`{"stageArn":%q,"destinations":[{"s3":{"storageConfigurationArn":%q,"encoderConfigurationArns":[]}}]}`, stageArn, storArn))
	if resp.StatusCode != 400 || !strings.Contains(body, "s3.encoderConfigurationArns") {
		t.Fatalf("no encoder: %d %s", resp.StatusCode, body)
	}
	resp, body = v.raw("GetComposition", `{"arn":"arn:aws:ivs:us-east-1:123456789012:stage/abc"}`)
	if resp.StatusCode != 400 || !strings.Contains(body, "composition/") {
		t.Fatalf("bad arn: %d %s", resp.StatusCode, body)
	}
}

func TestListCompositionsDefaultPage(t *testing.T) {
	_, c, stageArn, encArn, storArn := compositionWorld(t)
	for range 55 { // the documented default page is 100, not 50
		must(c.StartComposition(ctx(), &ivsrealtime.StartCompositionInput{StageArn: aws.String(stageArn),
			Destinations: []types.DestinationConfiguration{{S3: &types.S3DestinationConfiguration{
				StorageConfigurationArn: aws.String(storArn), EncoderConfigurationArns: []string{encArn}}}}}))
	}
	if all := must(c.ListCompositions(ctx(), &ivsrealtime.ListCompositionsInput{})); len(all.Compositions) != 55 || all.NextToken != nil {
		t.Fatalf("default page: %d, next %v", len(all.Compositions), all.NextToken)
	}
}
