package console

import (
	"context"
	"errors"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func TestRotationCopiesOnlyTheUsersTags(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	f.ChangeIngest(ingestARNOf(pairID), func(c *ivs.IngestConfiguration) {
		c.Tags = map[string]string{"team": "program", ivs.IdempotencyTag: "the-old-create", "aws:cloudformation:stack-name": "ivs"}
	})
	c := newConsole(f, rec)
	old, _ := c.Ingest(context.Background(), region, pairID)
	if _, err := c.RotateIngest(context.Background(), actor, region, old, "program-r2", "tok-rotate-0123456789"); err != nil {
		t.Fatal(err)
	}
	w := f.Writes()
	in := w[len(w)-1].Create
	if !maps.Equal(in.Tags, map[string]string{"team": "program"}) {
		t.Errorf("the copy asked for tags %v: only the user's tags are copied (ivs.UserTags)", in.Tags)
	}
	if in.IdempotencyKey != "tok-rotate-0123456789" {
		t.Errorf("the copy's idempotency key %q: the service layer tags it with the rotation's own", in.IdempotencyKey)
	}
}

func TestFinishRotationWhileTheReplacementIsIdleNeedsAnyway(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	c := newConsole(f, rec)
	ctx := context.Background()
	old, _ := c.Ingest(ctx, region, singleID)
	repl, err := c.RotateIngest(ctx, actor, region, old, "gfx-r2", "tok-rotate-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	writes, audits := len(f.Writes()), len(rec.events)
	if err := c.FinishRotation(ctx, actor, region, old, repl, FinishOptions{}); !errors.Is(err, ErrReplacementIdle) {
		t.Fatalf("finishing while nothing publishes with the replacement: %v, want ErrReplacementIdle", err)
	}
	if len(f.Writes()) != writes || len(rec.events) != audits {
		t.Fatal("a refused last step reached IVS or the audit log")
	}
	if err := c.FinishRotation(ctx, actor, region, old, repl, FinishOptions{Anyway: true}); err != nil {
		t.Fatal(err)
	}
	if e := rec.last(t); e.Action != audit.ActionIngestRotate || !strings.Contains(e.Detail, "deleted anyway") || !strings.Contains(e.Detail, repl.ARN) {
		t.Errorf("audit %+v: the record says the replacement did not publish", e)
	}
}

func TestFinishRotationWhenTheReplacementPublishes(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	c := newConsole(f, rec)
	ctx := context.Background()
	old, _ := c.Ingest(ctx, region, singleID)
	repl, _ := c.RotateIngest(ctx, actor, region, old, "gfx-r2", "tok-rotate-0123456789")
	repl.State = ivs.IngestActive
	if err := c.FinishRotation(ctx, actor, region, old, repl, FinishOptions{}); err != nil {
		t.Fatal(err)
	}
	if e := rec.last(t); !strings.Contains(e.Detail, "the replacement publishes") {
		t.Errorf("audit %+v", e)
	}
}

func TestRotationNowSaysWhetherAndSinceWhenTheReplacementPublishes(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	c := newConsole(f, rec)
	ctx := context.Background()
	old, _ := c.Ingest(ctx, region, pairID)
	repl, err := c.RotateIngest(ctx, actor, region, old, "program-r2", "tok-rotate-0123456789")
	if err != nil {
		t.Fatal(err)
	}
	repl, _ = c.Ingest(ctx, region, repl.ID)

	// Nothing moved yet: INACTIVE, both new encoders unseen.
	s := c.RotationNow(ctx, region, old, repl)
	if s.New.Publishing || !s.New.Since.IsZero() || len(s.New.Encoders) != 2 || s.New.Encoders[0].Seen || s.New.Err != nil {
		t.Errorf("before the move: %+v", s.New)
	}
	if !s.Old.Publishing || len(s.Old.Encoders) != 2 || !s.Old.Encoders[0].Publishing {
		t.Errorf("the old pair: %+v", s.Old)
	}
	if !s.CheckedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("checked at %v", s.CheckedAt)
	}

	// Encoder A moved to the new key at 10:05.
	moved := t0.Add(65 * time.Minute)
	newA := repl.Credentials[0].ParticipantID
	f.UpdateParticipants(arnOf(liveID), sessionID, func(ps []ivs.Participant) []ivs.Participant {
		return append(ps, ivs.Participant{ID: newA, State: ivs.ParticipantConnected, Published: true, FirstJoinTime: moved, RedundantIngest: true, IngestConfigurationARN: repl.ARN})
	})
	f.SetEvents(arnOf(liveID), sessionID, newA, []ivs.ParticipantEvent{{Name: "JOINED", Time: moved}, {Name: "PUBLISH_STARTED", Time: moved.Add(2 * time.Second)}})
	f.ChangeIngest(repl.ARN, func(c *ivs.IngestConfiguration) { c.State = ivs.IngestActive })
	repl, _ = c.Ingest(ctx, region, repl.ID)
	s = c.RotationNow(ctx, region, old, repl)
	if !s.New.Publishing || !s.New.Since.Equal(moved.Add(2*time.Second)) {
		t.Errorf("after the move: publishing %v since %v", s.New.Publishing, s.New.Since)
	}
	if e := s.New.Encoders; len(e) != 2 || !e[0].Publishing || e[1].Seen {
		t.Errorf("new encoders %+v", e)
	}
}

func TestRotationNowOfASingleEncoder(t *testing.T) {
	f, rec := newWorld(), &recorder{}
	c := newConsole(f, rec)
	ctx := context.Background()
	started := t0.Add(10 * time.Minute)
	f.ChangeIngest(ingestARNOf(singleID), func(c *ivs.IngestConfiguration) { c.State = ivs.IngestActive })
	f.SetEvents(arnOf(liveID), sessionID, "gfx000000001", []ivs.ParticipantEvent{{Name: "JOINED", Time: started}, {Name: "PUBLISH_STARTED", Time: started}})
	cfg, _ := c.Ingest(ctx, region, singleID)
	idle, _ := c.Ingest(ctx, region, pairID)
	idle.State, idle.StageARN = ivs.IngestInactive, arnOf(idleID)
	s := c.RotationNow(ctx, region, idle, cfg)
	if !s.New.Publishing || !s.New.Since.Equal(started) || s.New.Encoders != nil || s.New.Err != nil {
		t.Errorf("single encoder: %+v", s.New)
	}
	if s.Old.Publishing || s.Old.Encoders != nil {
		t.Errorf("a configuration on a stage without a session: %+v", s.Old)
	}

	// The stage cannot be read: the state still answers.
	cfg.StageARN = arnOf("GoneStage001")
	s = c.RotationNow(ctx, region, idle, cfg)
	if !s.New.Publishing || s.New.Err == nil {
		t.Errorf("unreadable stage: %+v", s.New)
	}
}
