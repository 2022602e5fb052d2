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

func TestRecallDestinations(t *testing.T) {
	both(t, func(t *testing.T, s store, _ func() store) {
		ctx := context.Background()
		comp := "arn:aws:ivs:eu-west-1:123456789012:composition/Comp00000001"
		dest := func(region, detail, from, to string) Transition {
			return Transition{Region: region, Kind: KindDestination, Subject: comp, Detail: detail, StageARN: "arn:aws:ivs:eu-west-1:123456789012:stage/S", SubjectName: detail + " of composition Comp00000001", From: from, To: to}
		}
		mustAppend(t, s,
			dest("eu-west-1", "d1", "active", "reconnecting"),
			dest("eu-west-1", "d2", "", "failed"),
			dest("eu-west-1", "d1", "reconnecting", "active"),
			dest("us-east-1", "d9", "", "failed"),
			Transition{Region: "eu-west-1", Kind: KindAlert, Subject: comp, Detail: "d1", To: AlertFiring},
		)
		got, err := s.RecallDestinations(ctx, "eu-west-1")
		if err != nil || len(got) != 2 || got[comp+" d1"].State != "active" || got[comp+" d2"].State != "failed" ||
			got[comp+" d2"].StageARN == "" || got[comp+" d2"].Name != "d2 of composition Comp00000001" {
			t.Fatalf("RecallDestinations = %+v, %v", got, err)
		}
	})
}
