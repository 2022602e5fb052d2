package console

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

const channel = "arn:aws:ivs:us-east-1:123456789012:channel/ProgramCh001"

func TestStartCompositionIsAuditedOnceAndRefusedWithoutASession(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	c := newConsole(f, rec)
	ctx := context.Background()
	enc := f.AddEncoderConfiguration(ivs.EncoderConfiguration{Name: "720p"})
	in := ivs.StartCompositionInput{Layout: ivs.Layout{Kind: ivs.LayoutGrid}, IdempotencyKey: "tok-0123456789abcdef",
		Destinations: []ivs.DestinationInput{{ChannelARN: channel, EncoderConfigurationARNs: []string{enc.ARN}}}}

	_, err := c.StartComposition(ctx, actor, Ref{Region: region, StageID: idleID}, in)
	if !errors.Is(err, ErrStageNotLive) || f.Calls("StartComposition") != 0 || len(rec.events) != 0 {
		t.Fatalf("idle stage: %v, %d starts, %d records", err, f.Calls("StartComposition"), len(rec.events))
	}

	comp, err := c.StartComposition(ctx, actor, Ref{Region: region, StageID: liveID}, in)
	if err != nil || comp.ID == "" || comp.StageARN != arnOf(liveID) {
		t.Fatalf("%+v %v", comp, err)
	}
	again, err := c.StartComposition(ctx, actor, Ref{Region: region, StageID: liveID}, in)
	if err != nil || again.ARN != comp.ARN {
		t.Fatalf("a double submit started %s then %s (%v)", comp.ARN, again.ARN, err)
	}
	e := rec.last(t)
	if e.Action != audit.ActionCompositionStart || e.Resource != comp.ARN || !strings.Contains(e.Detail, "channel "+channel) || !strings.Contains(e.Detail, enc.ARN) {
		t.Fatalf("audit %+v", e)
	}

	if err := c.StopComposition(ctx, actor, region, comp); err != nil {
		t.Fatal(err)
	}
	if e := rec.last(t); e.Action != audit.ActionCompositionStop || e.Resource != comp.ARN || e.Outcome != audit.OutcomeSuccess {
		t.Fatalf("stop audit %+v", e)
	}
}

func TestStagePageShowsItsCompositionsInFull(t *testing.T) {
	f := newWorld()
	f.AddComposition(ivs.Composition{StageARN: arnOf(liveID), State: ivs.CompositionActive,
		Destinations: []ivs.Destination{{ID: "d1", Name: "program", State: ivs.DestinationReconnecting, ChannelARN: channel}}})
	v, err := newConsole(f, nil).StagePage(context.Background(), Ref{Region: region, StageID: liveID}, "")
	if err != nil || v.OutputsErr != nil || len(v.Outputs) != 1 {
		t.Fatalf("%+v %v", v.Outputs, err)
	}
	if d := v.Outputs[0].Destinations[0]; d.Name != "program" || d.ChannelARN != channel || v.Outputs[0].ID == "" {
		t.Fatalf("the composition is not read in full: %+v", v.Outputs[0])
	}
}

func TestCompositionPageReadsWhatItUses(t *testing.T) {
	f := newWorld()
	enc := f.AddEncoderConfiguration(ivs.EncoderConfiguration{Name: "1080p", Width: 1920, Height: 1080})
	sto := f.AddStorageConfiguration(ivs.StorageConfiguration{Name: "archive", S3Bucket: "bucket"})
	comp := f.AddComposition(ivs.Composition{StageARN: arnOf(liveID), State: ivs.CompositionActive, Destinations: []ivs.Destination{
		{ID: "d1", State: ivs.CompositionActive, ChannelARN: channel, EncoderConfigurationARNs: []string{enc.ARN}},
		{ID: "d2", State: ivs.CompositionActive, StorageConfigurationARN: sto.ARN, EncoderConfigurationARNs: []string{enc.ARN}},
	}})
	v, err := newConsole(f, nil).CompositionPage(context.Background(), region, comp.ID)
	if err != nil || v.Stage == nil || v.Encoders[enc.ARN].Width != 1920 || v.Storages[sto.ARN].S3Bucket != "bucket" || v.PartsErr != nil {
		t.Fatalf("%+v %v", v, err)
	}
	if f.Calls("GetEncoderConfiguration") != 1 {
		t.Errorf("one encoder configuration used twice was read %d times", f.Calls("GetEncoderConfiguration"))
	}
	if _, err := newConsole(f, nil).CompositionPage(context.Background(), region, "NoSuchComp01"); !IsNotFound(err, ResourceComposition) {
		t.Fatalf("unknown composition: %v", err)
	}
}

func TestDeletingAConfigurationInUseIsRefusedWithIVSReason(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	c := newConsole(f, rec)
	ctx := context.Background()
	enc := f.AddEncoderConfiguration(ivs.EncoderConfiguration{Name: "720p"})
	sto := f.AddStorageConfiguration(ivs.StorageConfiguration{Name: "archive", S3Bucket: "b"})
	comp := f.AddComposition(ivs.Composition{StageARN: arnOf(liveID), State: ivs.CompositionActive, Destinations: []ivs.Destination{
		{ID: "d1", State: ivs.CompositionActive, StorageConfigurationARN: sto.ARN, EncoderConfigurationARNs: []string{enc.ARN}}}})

	err := c.DeleteEncoder(ctx, actor, region, enc)
	if ivs.KindOf(err) != ivs.KindConflict || !strings.Contains(err.Error(), comp.ARN) {
		t.Fatalf("encoder in use: %v", err)
	}
	if e := rec.last(t); e.Action != audit.ActionEncoderDelete || !audit.IsFailure(e.Outcome) {
		t.Fatalf("the refusal is not audited: %+v", e)
	}
	if err := c.DeleteStorage(ctx, actor, region, sto); ivs.KindOf(err) != ivs.KindConflict {
		t.Fatalf("storage in use: %v", err)
	}
	d, err := c.EncoderDetail(ctx, region, enc.ID)
	if err != nil || len(d.UsedBy) != 1 || d.UsedBy[0].ARN != comp.ARN {
		t.Fatalf("used by: %+v %v", d, err)
	}
	_ = f.StopComposition(ctx, region, comp.ARN)
	if err := c.DeleteEncoder(ctx, actor, region, enc); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Encoder(ctx, region, enc.ID); !IsNotFound(err, ResourceEncoder) {
		t.Fatalf("deleted: %v", err)
	}
}

func TestCreatesAndImportsAreAudited(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	c := newConsole(f, rec)
	ctx := context.Background()
	e, err := c.CreateEncoder(ctx, actor, region, ivs.CreateEncoderInput{Name: "hd", Width: 1920, Height: 1080, Framerate: 30, Bitrate: 6_000_000})
	if err != nil || e.ID == "" || rec.last(t).Action != audit.ActionEncoderCreate || !strings.Contains(rec.last(t).Detail, "1920x1080") {
		t.Fatalf("%+v %v %+v", e, err, rec.last(t))
	}
	s, err := c.CreateStorage(ctx, actor, region, ivs.CreateStorageInput{Name: "archive", S3Bucket: "my-bucket"})
	if err != nil || s.ID == "" || rec.last(t).Action != audit.ActionStorageCreate {
		t.Fatalf("%+v %v", s, err)
	}
	k, err := c.ImportPublicKey(ctx, actor, region, ivs.ImportPublicKeyInput{Name: "signer", PEM: "-----BEGIN PUBLIC KEY-----"})
	if err != nil || k.ID == "" || rec.last(t).Action != audit.ActionPublicKeyImport || strings.Contains(rec.last(t).Detail, "BEGIN") {
		t.Fatalf("%+v %v %+v", k, err, rec.last(t))
	}
	if err := c.DeletePublicKey(ctx, actor, region, k); err != nil || rec.last(t).Action != audit.ActionPublicKeyDelete {
		t.Fatalf("%v", err)
	}
	if page, err := c.PublicKeyList(ctx, region, ""); err != nil || len(page.Items) != 0 {
		t.Fatalf("%+v %v", page, err)
	}
}

func TestReplicationStartAndStopAreAudited(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	c := newConsole(f, rec)
	ctx := context.Background()
	ref := Ref{Region: region, StageID: liveID, SessionID: sessionID, ParticipantID: "viewer000001"}
	if err := c.StartReplication(ctx, actor, ref, idleID); err != nil {
		t.Fatal(err)
	}
	if e := rec.last(t); e.Action != audit.ActionReplicationStart || !strings.Contains(e.Detail, "to stage="+idleID) {
		t.Fatalf("%+v", e)
	}
	if err := c.StartReplication(ctx, actor, ref, idleID); ivs.KindOf(err) != ivs.KindConflict {
		t.Fatalf("twice: %v", err)
	}
	v, err := c.Replicas(ctx, ref)
	if err != nil || len(v.Items) != 1 || v.Items[0].DestinationStageARN != arnOf(idleID) || len(v.Stages) != 2 {
		t.Fatalf("%+v %v", v, err)
	}
	if err := c.StopReplication(ctx, actor, ref, idleID); err != nil || rec.last(t).Action != audit.ActionReplicationStop {
		t.Fatal(err)
	}
	if w := f.Writes(); w[len(w)-1].Replication.DestinationStageARN != arnOf(idleID) || w[len(w)-1].Replication.SourceStageARN != arnOf(liveID) {
		t.Fatalf("writes %+v", w[len(w)-1])
	}
}
