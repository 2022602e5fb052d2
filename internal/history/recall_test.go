package history

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func TestRecallProtection(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		ctx := context.Background()
		at := time.Date(2026, 3, 1, 14, 0, 0, 0, time.UTC)
		pair := func(region, subject, from, to string, when time.Time) Transition {
			return Transition{Time: when, Region: region, Kind: KindPair, Subject: subject, From: from, To: to}
		}
		mustAppend(t, s,
			pair("eu-west-1", cfgA, "", PairProtected, at),
			pair("eu-west-1", cfgA, PairProtected, PairDegraded, at.Add(time.Minute)),
			pair("eu-west-1", cfgB, "", PairIdle, at),
			pair("us-east-1", "arn:aws:ivs:us-east-1:123456789012:ingest-configuration/Other", "", PairDown, at),
			// Other kinds of the same subject do not count.
			Transition{Region: "eu-west-1", Kind: KindAlert, Subject: cfgA, To: AlertFiring},
			Transition{Region: "eu-west-1", Kind: KindEncoder, Subject: cfgB, To: "publishing"},
		)
		// The latest recorded wins, even if its Time is earlier (IVS's event time).
		mustAppend(t, s, pair("eu-west-1", cfgA, PairDegraded, PairDown, at.Add(-time.Hour)))

		got, err := s.RecallProtection(ctx, "eu-west-1")
		want := map[string]ivs.Protection{cfgA: ivs.Down, cfgB: ivs.Idle}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("RecallProtection = %v, %v; want %v", got, err, want)
		}
		if got, err := s.RecallProtection(ctx, "ap-south-1"); err != nil || len(got) != 0 {
			t.Fatalf("an empty region: %v, %v", got, err)
		}
	})
}
