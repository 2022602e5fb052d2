package cached

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// stageWritesFake answers the stage writes and tokens successfully.
func stageWritesFake() *fake {
	f := newFake()
	f.CreateStageFn = func(context.Context, ivs.Region, ivs.CreateStageInput) (ivs.Stage, error) {
		return ivs.Stage{ARN: stageB}, nil
	}
	f.UpdateStageFn = func(_ context.Context, _ ivs.Region, in ivs.UpdateStageInput) (ivs.Stage, error) {
		return ivs.Stage{ARN: in.ARN}, nil
	}
	f.DeleteStageFn = func(context.Context, ivs.Region, string) error { return nil }
	f.TagResourceFn = func(context.Context, ivs.Region, string, map[string]string) error { return nil }
	f.UntagResourceFn = func(context.Context, ivs.Region, string, []string) error { return nil }
	f.CreateTokenFn = func(_ context.Context, _ ivs.Region, in ivs.CreateTokenInput) (ivs.ParticipantToken, error) {
		return ivs.ParticipantToken{ParticipantID: "pTok", Token: ivs.NewTokenSecret("eyJ.TOKENSECRET")}, nil
	}
	return f
}

func TestStageWritesInvalidateWhatTheyChange(t *testing.T) {
	ctx := context.Background()
	stageReads := map[string]int{"ListStages": 1, "GetStage": 1}
	cases := []struct {
		name    string
		write   func(s *Service) error
		dropped map[string]int
	}{
		{"create", func(s *Service) error {
			_, err := s.CreateStage(ctx, region, ivs.CreateStageInput{Name: "n"})
			return err
		},
			map[string]int{"ListStages": 1}},
		{"update", func(s *Service) error {
			_, err := s.UpdateStage(ctx, region, ivs.UpdateStageInput{ARN: stageA})
			return err
		}, stageReads},
		{"tag a stage", func(s *Service) error { return s.TagResource(ctx, region, stageA, map[string]string{"k": "v"}) }, stageReads},
		{"untag a stage", func(s *Service) error { return s.UntagResource(ctx, region, stageA, []string{"k"}) }, stageReads},
		{"tag a configuration", func(s *Service) error { return s.TagResource(ctx, region, cfgA, map[string]string{"k": "v"}) },
			map[string]int{"GetIngestConfiguration": 1}},
		// A deleted stage's session ends and its publishing configurations
		// are detached: everything about it and the region's ingest reads go.
		{"delete", func(s *Service) error { return s.DeleteStage(ctx, region, stageA) },
			map[string]int{"ListStages": 1, "GetStage": 1, "ListIngestConfigurations": 2, "GetIngestConfiguration": 1,
				"ListParticipants": 1, "GetParticipant": 1, "ListParticipantEvents": 1}},
		{"token", func(s *Service) error {
			_, err := s.CreateParticipantToken(ctx, region, ivs.CreateTokenInput{StageARN: stageA})
			return err
		},
			map[string]int{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := stageWritesFake()
			s := New(f, Options{Now: newClock().Now, Budget: unlimited})
			warm(s)
			if err := tc.write(s); err != nil {
				t.Fatal(err)
			}
			before := snapshot(f)
			warm(s)
			after := snapshot(f)
			for op, n := range after {
				if d := n - before[op]; d != tc.dropped[op] {
					t.Errorf("%s refetched %d times, want %d", op, d, tc.dropped[op])
				}
			}
		})
	}
}

func TestTokensAreNeverStoredNorCoalesced(t *testing.T) {
	f := stageWritesFake()
	f.delay = 5 * time.Millisecond
	s := New(f, Options{Now: newClock().Now, Budget: unlimited})
	done := make(chan ivs.ParticipantToken)
	for range 4 {
		go func() {
			tok, _ := s.CreateParticipantToken(context.Background(), region, ivs.CreateTokenInput{StageARN: stageA})
			done <- tok
		}()
	}
	for range 4 {
		if tok := <-done; tok.Token.Reveal() != "eyJ.TOKENSECRET" {
			t.Fatalf("token %v", tok)
		}
	}
	if n := f.n("CreateParticipantToken"); n != 4 || s.store.len() != 0 {
		t.Fatalf("calls %d, entries %d", n, s.store.len())
	}
	tok, _ := s.CreateParticipantToken(context.Background(), region, ivs.CreateTokenInput{StageARN: stageA})
	if got := fmt.Sprintf("%v %+v %#v", tok, tok, tok); strings.Contains(got, "TOKENSECRET") {
		t.Errorf("a token prints itself: %s", got)
	}
}

func TestStageWritesAndTokensSpendTheirOwnBudget(t *testing.T) {
	f := stageWritesFake()
	clk := newClock()
	s := New(f, Options{Now: clk.Now, Budget: Budget{Rate: 1, Burst: 1}, WriteWait: time.Millisecond})
	ctx := context.Background()
	if _, err := s.CreateParticipantToken(ctx, region, ivs.CreateTokenInput{StageARN: stageA}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateParticipantToken(ctx, region, ivs.CreateTokenInput{StageARN: stageA}); ivs.KindOf(err) != ivs.KindThrottled {
		t.Errorf("second token within the budget's second: %v", err)
	}
	// Another operation has its own bucket.
	if err := s.DeleteStage(ctx, region, stageA); err != nil {
		t.Errorf("delete: %v", err)
	}
}

func TestFreshGetStageSkipsTheCache(t *testing.T) {
	f := stageWritesFake()
	s := New(f, Options{Now: newClock().Now, Budget: unlimited})
	ctx := context.Background()
	cached, _ := s.GetStage(ctx, region, stageA)
	again, _ := s.GetStage(ctx, region, stageA)
	fresh, _ := s.GetStage(ivs.MustBeFresh(ctx), region, stageA)
	if cached.Name != again.Name || fresh.Name == cached.Name || f.n("GetStage") != 2 {
		t.Fatalf("cached %q, again %q, fresh %q, calls %d", cached.Name, again.Name, fresh.Name, f.n("GetStage"))
	}
	// Upstream failing: a fresh read fails rather than serve what it saw.
	f.fail(&ivs.Error{Kind: ivs.KindUnavailable, Message: "down"})
	if _, err := s.GetStage(ivs.MustBeFresh(ctx), region, stageA); ivs.KindOf(err) != ivs.KindUnavailable {
		t.Errorf("fresh read with IVS down: %v", err)
	}
}
