package awssdk_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/emulator"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/awssdk"
)

// The program output through the SDK against the emulator: every new call
// at least once, and the documented conflicts.

func newServiceAt(t *testing.T, seed string, clock *emulator.FakeClock) *awssdk.Service {
	t.Helper()
	opts := emulator.Options{Seed: seed, RandSeed: 7}
	if clock != nil {
		opts.Clock = clock
	}
	emu, err := emulator.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(func() { srv.Close(); emu.Close() })
	svc, err := awssdk.New(context.Background(), awssdk.Options{Regions: []ivs.Region{region}, Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

func liveStage(t *testing.T, svc ivs.Service) ivs.Stage {
	t.Helper()
	page, err := svc.ListStages(context.Background(), region, ivs.ListQuery{MaxResults: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range page.Items {
		if st.Live() {
			return st
		}
	}
	t.Fatal("no live stage in the demo world")
	return ivs.Stage{}
}

func p384PEM(t *testing.T) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func TestCompositionLifecycleAndInUseConflicts(t *testing.T) {
	clock := emulator.NewFakeClock(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	svc := newServiceAt(t, "demo", clock)
	ctx := context.Background()
	acct, _ := svc.AccountID(ctx)
	stage := liveStage(t, svc)

	enc, err := svc.CreateEncoderConfiguration(ctx, region, ivs.CreateEncoderInput{Name: "contract-720p", Width: 1280, Height: 720, Framerate: 30, Bitrate: 2_500_000})
	if err != nil || enc.ARN == "" || enc.Width != 1280 || enc.Framerate != 30 {
		t.Fatalf("CreateEncoderConfiguration: %+v, %v", enc, err)
	}
	sto, err := svc.CreateStorageConfiguration(ctx, region, ivs.CreateStorageInput{Name: "contract-archive", S3Bucket: "contract-bucket"})
	if err != nil || sto.S3Bucket != "contract-bucket" {
		t.Fatalf("CreateStorageConfiguration: %+v, %v", sto, err)
	}
	channel := "arn:aws:ivs:us-east-1:" + acct + ":channel/ContractChan1"
	in := ivs.StartCompositionInput{StageARN: stage.ARN, IdempotencyKey: "contract-start-1",
		Layout: ivs.Layout{Kind: ivs.LayoutPiP, PipPosition: "TOP_LEFT"},
		Destinations: []ivs.DestinationInput{
			{Name: "program", ChannelARN: channel, EncoderConfigurationARNs: []string{enc.ARN}},
			{Name: "archive", StorageConfigurationARN: sto.ARN, EncoderConfigurationARNs: []string{enc.ARN}},
		}}
	comp, err := svc.StartComposition(ctx, region, in)
	if err != nil || comp.State != ivs.CompositionStarting || len(comp.Destinations) != 2 || comp.Layout.Kind != ivs.LayoutPiP || comp.Layout.PipPosition != "TOP_LEFT" {
		t.Fatalf("StartComposition: %+v, %v", comp, err)
	}
	again, err := svc.StartComposition(ctx, region, in)
	if err != nil || again.ARN != comp.ARN {
		t.Fatalf("a double submit started a second composition: %s then %s, %v", comp.ARN, again.ARN, err)
	}
	in.IdempotencyKey = "contract-start-2"
	if _, err := svc.StartComposition(ctx, region, in); ivs.KindOf(err) != ivs.KindConflict || !strings.Contains(err.Error(), channel) {
		t.Fatalf("a second composition to the same channel: %v, want a conflict naming the channel", err)
	}

	clock.Advance(5 * time.Second)
	got, err := svc.GetComposition(ctx, region, comp.ARN)
	if err != nil || got.State != ivs.CompositionActive || got.Destinations[0].ChannelARN != channel ||
		got.Destinations[1].StorageConfigurationARN != sto.ARN || got.Destinations[1].RecordingPrefix == "" || got.Destinations[0].EncoderConfigurationARNs[0] != enc.ARN {
		t.Fatalf("GetComposition: %+v, %v", got, err)
	}
	list, err := svc.ListCompositions(ctx, region, ivs.CompositionQuery{StageARN: stage.ARN})
	if err != nil || !containsARN(list.Items, comp.ARN) || !list.Items[len(list.Items)-1].Summary {
		t.Fatalf("ListCompositions by stage: %+v, %v", list, err)
	}
	if l, err := svc.ListCompositions(ctx, region, ivs.CompositionQuery{EncoderConfigurationARN: enc.ARN}); err != nil || len(l.Items) != 1 {
		t.Fatalf("ListCompositions by encoder configuration: %+v, %v", l, err)
	}

	// In use: IVS refuses, and says by what.
	err = svc.DeleteEncoderConfiguration(ctx, region, enc.ARN)
	if ivs.KindOf(err) != ivs.KindConflict || !strings.Contains(err.Error(), comp.ARN) {
		t.Fatalf("deleting an encoder configuration in use: %v, want a conflict naming the composition", err)
	}
	err = svc.DeleteStorageConfiguration(ctx, region, sto.ARN)
	if ivs.KindOf(err) != ivs.KindConflict || !strings.Contains(err.Error(), "used by composition") {
		t.Fatalf("deleting a storage configuration in use: %v, want a conflict", err)
	}

	if err := svc.StopComposition(ctx, region, comp.ARN); err != nil {
		t.Fatal(err)
	}
	clock.Advance(5 * time.Second)
	if got, _ := svc.GetComposition(ctx, region, comp.ARN); got.State != ivs.CompositionStopped {
		t.Fatalf("after StopComposition: %s", got.State)
	}
	if err := svc.DeleteEncoderConfiguration(ctx, region, enc.ARN); err != nil {
		t.Fatalf("a stopped composition holds nothing: %v", err)
	}
	if err := svc.DeleteStorageConfiguration(ctx, region, sto.ARN); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.GetEncoderConfiguration(ctx, region, enc.ARN); !ivs.IsNotFound(err) {
		t.Fatalf("deleted encoder configuration: %v", err)
	}
	if _, err := svc.GetStorageConfiguration(ctx, region, sto.ARN); !ivs.IsNotFound(err) {
		t.Fatalf("deleted storage configuration: %v", err)
	}
	if encs, err := svc.ListEncoderConfigurations(ctx, region, ivs.ListQuery{}); err != nil {
		t.Fatal(err)
	} else if containsARN(encs.Items, enc.ARN) {
		t.Fatal("deleted encoder configuration still listed")
	}
	if stos, err := svc.ListStorageConfigurations(ctx, region, ivs.ListQuery{}); err != nil || len(stos.Items) == 0 {
		t.Fatalf("ListStorageConfigurations: %+v, %v", stos, err)
	}
}

// IVS documents no conflict for a stage without a live session: the
// composition starts and stops by itself a minute later. The console
// refuses it before asking (console.StartComposition).
func TestCompositionOnAStageWithoutSession(t *testing.T) {
	clock := emulator.NewFakeClock(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC))
	svc := newServiceAt(t, "empty", clock)
	ctx := context.Background()
	st, err := svc.CreateStage(ctx, region, ivs.CreateStageInput{Name: "empty-stage"})
	if err != nil {
		t.Fatal(err)
	}
	acct, _ := svc.AccountID(ctx)
	comp, err := svc.StartComposition(ctx, region, ivs.StartCompositionInput{StageARN: st.ARN,
		Destinations: []ivs.DestinationInput{{ChannelARN: "arn:aws:ivs:us-east-1:" + acct + ":channel/NoSession1"}}})
	if err != nil {
		t.Fatalf("IVS accepts a composition of an idle stage: %v", err)
	}
	clock.Advance(2 * time.Minute)
	if got, _ := svc.GetComposition(ctx, region, comp.ARN); got.Running() && got.State != ivs.CompositionStopping {
		t.Fatalf("a composition of an idle stage still runs after 2 minutes: %s", got.State)
	}
	_, err = svc.StartComposition(ctx, region, ivs.StartCompositionInput{StageARN: ivs.StageARN(region, acct, "NoSuchStage1"),
		Destinations: []ivs.DestinationInput{{ChannelARN: "arn:aws:ivs:us-east-1:" + acct + ":channel/NoSession2"}}})
	if !ivs.IsNotFound(err) {
		t.Fatalf("unknown stage: %v", err)
	}
}

func TestPublicKeysThroughTheSDK(t *testing.T) {
	svc := newServiceAt(t, "empty", nil)
	ctx := context.Background()
	material := p384PEM(t)
	k, err := svc.ImportPublicKey(ctx, region, ivs.ImportPublicKeyInput{Name: "signer-1", PEM: material})
	if err != nil || k.Fingerprint == "" || k.ARN == "" {
		t.Fatalf("ImportPublicKey: %+v, %v", k, err)
	}
	if _, err := svc.ImportPublicKey(ctx, region, ivs.ImportPublicKeyInput{Name: "again", PEM: material}); ivs.KindOf(err) != ivs.KindConflict {
		t.Fatalf("the same key twice: %v, want a conflict", err)
	}
	if _, err := svc.ImportPublicKey(ctx, region, ivs.ImportPublicKeyInput{PEM: "not a key"}); ivs.KindOf(err) != ivs.KindValidation {
		t.Fatalf("not a key: %v, want a validation error", err)
	}
	got, err := svc.GetPublicKey(ctx, region, k.ARN)
	if err != nil || strings.TrimSpace(got.PEM) != strings.TrimSpace(material) || got.Name != "signer-1" {
		t.Fatalf("GetPublicKey: %+v, %v", got, err)
	}
	list, err := svc.ListPublicKeys(ctx, region, ivs.ListQuery{})
	if err != nil || len(list.Items) != 1 || !list.Items[0].Summary {
		t.Fatalf("ListPublicKeys: %+v, %v", list, err)
	}
	if err := svc.DeletePublicKey(ctx, region, k.ARN); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.GetPublicKey(ctx, region, k.ARN); !ivs.IsNotFound(err) {
		t.Fatalf("deleted key: %v", err)
	}
}

func TestParticipantReplicationThroughTheSDK(t *testing.T) {
	svc := newServiceAt(t, "demo", nil)
	ctx := context.Background()
	stages, err := svc.ListStages(ctx, region, ivs.ListQuery{MaxResults: 100})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]ivs.Stage{}
	for _, st := range stages.Items {
		byName[st.Name] = st
	}
	src, dst := byName["backstage-greenroom"], byName["studio-a"]
	ps, err := svc.ListParticipants(ctx, region, ivs.ParticipantQuery{StageARN: src.ARN, SessionID: src.ActiveSessionID, PublishedOnly: true})
	if err != nil || len(ps.Items) == 0 {
		t.Fatalf("backstage publishers: %+v, %v", ps, err)
	}
	pid := ps.Items[0].ID
	reps, err := svc.ListParticipantReplicas(ctx, region, ivs.ReplicaQuery{SourceStageARN: src.ARN, ParticipantID: pid})
	if err != nil || len(reps.Items) == 0 {
		t.Fatalf("the demo's keynote replica: %+v, %v", reps, err)
	}
	in := ivs.StartReplicationInput{SourceStageARN: src.ARN, DestinationStageARN: dst.ARN, ParticipantID: pid}
	if err := svc.StartParticipantReplication(ctx, region, in); err != nil {
		t.Fatal(err)
	}
	if err := svc.StartParticipantReplication(ctx, region, in); ivs.KindOf(err) != ivs.KindConflict {
		t.Fatalf("replicated twice to one stage: %v, want a conflict", err)
	}
	reps, _ = svc.ListParticipantReplicas(ctx, region, ivs.ReplicaQuery{SourceStageARN: src.ARN, ParticipantID: pid})
	if !hasReplica(reps.Items, dst.ARN, "ACTIVE") {
		t.Fatalf("replica to studio-a not listed ACTIVE: %+v", reps.Items)
	}
	if err := svc.StopParticipantReplication(ctx, region, src.ARN, dst.ARN, pid); err != nil {
		t.Fatal(err)
	}
	reps, _ = svc.ListParticipantReplicas(ctx, region, ivs.ReplicaQuery{SourceStageARN: src.ARN, ParticipantID: pid})
	if hasReplica(reps.Items, dst.ARN, "ACTIVE") {
		t.Fatalf("replica still ACTIVE after stop: %+v", reps.Items)
	}
}

func hasReplica(rs []ivs.Replica, dst, state string) bool {
	for _, r := range rs {
		if r.DestinationStageARN == dst && r.State == state {
			return true
		}
	}
	return false
}

func containsARN[T any](items []T, arn string) bool {
	for _, it := range items {
		switch v := any(it).(type) {
		case ivs.Composition:
			if v.ARN == arn {
				return true
			}
		case ivs.EncoderConfiguration:
			if v.ARN == arn {
				return true
			}
		}
	}
	return false
}
