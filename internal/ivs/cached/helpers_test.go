package cached

import (
	"math"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// unlimited turns the budget off, for tests about caching alone.
var unlimited = Budget{Rate: math.Inf(1), Burst: 1}

func value(t testing.TB, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

func pq(sessionID string) (q ivs.ParticipantQuery) {
	q.StageARN, q.SessionID = stageA, sessionID
	return q
}
