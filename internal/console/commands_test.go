package console

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func TestCreateIsAuditedWithWhoAndWhere(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	cfg, err := newConsole(f, rec).CreateIngest(context.Background(), actor, region, liveID,
		ivs.CreateIngestInput{Name: "new", Protocol: ivs.ProtocolRTMPS, RedundantIngest: true, IdempotencyKey: "tok-0123456789abcdef"})
	if err != nil || cfg.ID == "" || cfg.StageARN != arnOf(liveID) {
		t.Fatalf("%+v %v", cfg, err)
	}
	e := rec.last(t)
	if e.Action != audit.ActionIngestCreate || e.Outcome != audit.OutcomeSuccess || e.Resource != cfg.ARN || e.Actor != actor.Name ||
		e.ClientAddr != actor.ClientAddr || e.RequestID != actor.RequestID || e.Region != string(region) || !strings.Contains(e.Detail, "stage="+liveID) {
		t.Errorf("audit %+v", e)
	}
}

func TestAFailedCommandIsAuditedAndSaysWhenItCouldNotBe(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	c := newConsole(f, rec)
	// RTMP without insecure ingest: IVS refuses, the failure is recorded.
	_, err := c.CreateIngest(context.Background(), actor, region, "", ivs.CreateIngestInput{Protocol: ivs.ProtocolRTMP})
	if ivs.KindOf(err) != ivs.KindValidation || errors.Is(err, ErrNotAudited) {
		t.Fatalf("err %v", err)
	}
	if e := rec.last(t); !audit.IsFailure(e.Outcome) || e.Action != audit.ActionIngestCreate {
		t.Errorf("audit %+v", e)
	}
	// The same with the audit log down: the error says both.
	rec.fail = true
	_, err = c.CreateIngest(context.Background(), actor, region, "", ivs.CreateIngestInput{Protocol: ivs.ProtocolRTMP})
	if ivs.KindOf(err) != ivs.KindValidation || !errors.Is(err, ErrNotAudited) {
		t.Errorf("err %v", err)
	}
}

func TestAChangeMadeButNotAuditedSaysSo(t *testing.T) {
	f := newWorld()
	err := newConsole(f, &recorder{fail: true}).DeleteIngest(context.Background(), actor, region, ivs.IngestConfiguration{ID: singleID, ARN: ingestARNOf(singleID)}, false)
	var ae *AuditError
	if !errors.As(err, &ae) || !ae.Done || f.IngestCount() != 1 {
		t.Fatalf("err %v, %d configurations left", err, f.IngestCount())
	}
}

func TestNoRecordNoKeys(t *testing.T) {
	f := newWorld()
	r, err := newConsole(f, &recorder{fail: true}).RevealKeys(context.Background(), actor, region, pairID)
	var ae *AuditError
	if !errors.As(err, &ae) || ae.Done || len(r.Config.Credentials) != 0 || !r.Config.StreamKey.IsZero() {
		t.Fatalf("keys returned without a record: %+v %v", r, err)
	}
}

func TestRevealGivesBothKeysAndTheServerAndIsAudited(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	c := newConsole(f, rec)
	r, err := c.RevealKeys(context.Background(), actor, region, pairID)
	if err != nil || r.Server != "rtmps://live:443/app/" || len(r.Config.Credentials) != 2 || r.Config.Credentials[1].StreamKey.Reveal() != "rt_b_SECRET" {
		t.Fatalf("%+v %v", r, err)
	}
	if e := rec.last(t); e.Action != audit.ActionReveal || e.Outcome != audit.OutcomeSuccess || strings.Contains(e.Detail+e.Outcome, "SECRET") {
		t.Errorf("audit %+v", e)
	}
	r, err = c.RevealKeys(context.Background(), actor, region, singleID)
	if err != nil || r.Server != "rtmp://live/app/" {
		t.Errorf("RTMP server %q %v", r.Server, err)
	}
	_, err = c.RevealKeys(context.Background(), actor, region, "NoSuchCfg001")
	if !IsNotFound(err, ResourceIngest) || !audit.IsFailure(rec.last(t).Outcome) {
		t.Errorf("unknown configuration: %v, audit %+v", err, rec.last(t))
	}
}

func TestUpdateOfAnActiveConfigurationIsAConflict(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	c := newConsole(f, rec)
	pair, err := c.Ingest(context.Background(), region, pairID)
	if err != nil {
		t.Fatal(err)
	}
	err = c.UpdateIngest(context.Background(), actor, region, pair, idleID, true)
	if ivs.KindOf(err) != ivs.KindConflict || !audit.IsFailure(rec.last(t).Outcome) {
		t.Fatalf("err %v", err)
	}
	single, _ := c.Ingest(context.Background(), region, singleID)
	if err := c.UpdateIngest(context.Background(), actor, region, single, idleID, false); err != nil {
		t.Fatal(err)
	}
	w := f.Writes()
	if in := w[len(w)-1].Update; in.StageARN != arnOf(idleID) || in.RedundantIngest {
		t.Errorf("update sent %+v", in)
	}
	if e := rec.last(t); e.Action != audit.ActionIngestUpdate || !strings.Contains(e.Detail, "was stage="+liveID) {
		t.Errorf("audit %+v", e)
	}
}

func TestRotationCopiesButNotGreenroomsTagAndFinishesAsARotation(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	f.ChangeIngest(ingestARNOf(singleID), func(c *ivs.IngestConfiguration) {
		c.Tags = map[string]string{"team": "gfx", ivs.IdempotencyTag: "old"}
		c.UserID = "gfx-encoder"
	})
	c := newConsole(f, rec)
	old, _ := c.Ingest(context.Background(), region, singleID)
	repl, err := c.RotateIngest(context.Background(), actor, region, old, "gfx-r2", "tok-rotate-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	w := f.Writes()
	in := w[len(w)-1].Create
	if in.Tags[ivs.IdempotencyTag] != "" || in.Tags["team"] != "gfx" || in.UserID != "gfx-encoder" || !in.InsecureIngest || in.StageARN != old.StageARN {
		t.Errorf("copy asked for %+v", in)
	}
	if e := rec.last(t); e.Action != audit.ActionIngestRotate || e.Resource != old.ARN || !strings.Contains(e.Detail, repl.ARN) {
		t.Errorf("audit %+v", e)
	}
	if err := c.FinishRotation(context.Background(), actor, region, old, repl, FinishOptions{Anyway: true}); err != nil {
		t.Fatal(err)
	}
	if e := rec.last(t); e.Action != audit.ActionIngestRotate || !strings.Contains(e.Detail, "step 3") || f.IngestCount() != 2 {
		t.Errorf("audit %+v, %d configurations", e, f.IngestCount())
	}
}

func TestDisconnectIsAudited(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	ref := Ref{Region: region, StageID: liveID, SessionID: sessionID, ParticipantID: "viewer000001"}
	if err := newConsole(f, rec).Disconnect(context.Background(), actor, ref, "spam"); err != nil {
		t.Fatal(err)
	}
	if e := rec.last(t); e.Action != audit.ActionParticipantDisconnect || e.Resource != arnOf(liveID) || !strings.Contains(e.Detail, "reason: spam") {
		t.Errorf("audit %+v", e)
	}
	if p := f.Participants(arnOf(liveID), sessionID)[2]; p.Connected() {
		t.Error("still connected")
	}
	ref.ParticipantID = "nobody"
	if err := newConsole(f, rec).Disconnect(context.Background(), actor, ref, "spam"); !IsNotFound(err, ResourceParticipant) {
		t.Errorf("unknown participant: %v", err)
	}
}

func TestNoAuditLogNoAction(t *testing.T) {
	f := newWorld()
	err := newConsole(f, nil).DeleteIngest(context.Background(), actor, region, ivs.IngestConfiguration{ARN: ingestARNOf(singleID)}, false)
	var ae *AuditError
	if !errors.As(err, &ae) || ae.Done || f.Calls("DeleteIngestConfiguration") != 0 {
		t.Fatalf("err %v, %d deletes", err, f.Calls("DeleteIngestConfiguration"))
	}
}
