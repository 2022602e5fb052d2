package main

import (
	"math"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		var out []time.Duration
		for _, x := range v {
			out = append(out, time.Duration(x)*time.Millisecond)
		}
		return out
	}
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	for _, c := range []struct {
		name string
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", ms(7), 99, 7 * time.Millisecond},
		{"p0 is min", ms(3, 1, 2), 0, time.Millisecond},
		{"p50 of 1..100", hundred, 50, 50 * time.Millisecond},
		{"p95 of 1..100", hundred, 95, 95 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p100 is max", hundred, 100, 100 * time.Millisecond},
		{"p99 of 10 is the max", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{"p50 of 4 (nearest rank)", ms(10, 20, 30, 40), 50, 20 * time.Millisecond},
		{"unsorted input is sorted", ms(40, 10, 30, 20), 75, 30 * time.Millisecond},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := percentile(sortedCopy(c.in), c.p); got != c.want {
				t.Fatalf("percentile(%v, %v) = %v, want %v", c.in, c.p, got, c.want)
			}
		})
	}
}

const promText = `# HELP greenroom_ivs_calls_total Calls made to the IVS API.
# TYPE greenroom_ivs_calls_total counter
greenroom_ivs_calls_total{operation="ListParticipants",outcome="ok",region="us-east-1"} 12
greenroom_ivs_calls_total{operation="ListParticipants",outcome="throttled",region="us-east-1"} 2
greenroom_ivs_calls_total{operation="GetStage",outcome="ok",region="eu-west-1"} 3
greenroom_ivs_calls_total{operation="GetStage",outcome="ok",region="us-east-1"} 4e0
weird_label{path="a \"quoted\" \\ value, with comma",x="}"} 1.5 1700000000000
go_goroutines 42
greenroom_ivs_call_duration_seconds_bucket{operation="GetStage",le="0.025"} 1
greenroom_ivs_call_duration_seconds_bucket{operation="GetStage",le="0.05"} 7
greenroom_ivs_call_duration_seconds_bucket{operation="GetStage",le="+Inf"} 7
broken{line="x" 3
also broken
`

func TestParseProm(t *testing.T) {
	ss := parseProm(promText)
	if len(ss) != 9 {
		t.Fatalf("parsed %d samples, want 9: %+v", len(ss), ss)
	}
	snap := snapshot{Samples: ss}
	if got := snap.sum("greenroom_ivs_calls_total", map[string]string{"operation": "ListParticipants"}); got != 14 {
		t.Errorf("ListParticipants calls = %v, want 14", got)
	}
	if got := snap.sum("greenroom_ivs_calls_total", map[string]string{"outcome": "throttled"}); got != 2 {
		t.Errorf("throttled = %v, want 2", got)
	}
	if got := snap.sum("greenroom_ivs_calls_total", map[string]string{"operation": "GetStage", "region": "us-east-1"}); got != 4 {
		t.Errorf("GetStage us-east-1 = %v, want 4", got)
	}
	if got := snap.sum("go_goroutines", nil); got != 42 {
		t.Errorf("goroutines = %v, want 42", got)
	}
	if got := snap.sum("weird_label", map[string]string{"path": `a "quoted" \ value, with comma`, "x": "}"}); got != 1.5 {
		t.Errorf("escaped label value not matched: %v (%+v)", got, ss[4])
	}
	ops := snap.labelValues("greenroom_ivs_calls_total", "operation")
	if len(ops) != 2 || ops[0] != "GetStage" || ops[1] != "ListParticipants" {
		t.Errorf("operations = %v", ops)
	}
	bs := histDelta(snapshot{}, snap, "greenroom_ivs_call_duration_seconds", nil)
	if len(bs) != 3 {
		t.Fatalf("buckets = %+v", bs)
	}
	if f := histFraction(bs, 0.025); math.Abs(f-1.0/7) > 1e-9 {
		t.Errorf("fraction under 25 ms = %v, want 1/7", f)
	}
}

func TestRateStats(t *testing.T) {
	s := time.Second
	pts := []point{{0, 0}, {1 * s, 2}, {2 * s, 4}, {3 * s, 9}, {4 * s, 10}}
	maxR, mean := rateStats(pts, 500*time.Millisecond)
	if maxR != 5 || mean != 2.5 {
		t.Fatalf("max, mean = %v, %v; want 5, 2.5", maxR, mean)
	}
	// A scrape 100 ms after the previous one is merged into the next interval.
	pts = []point{{0, 0}, {1 * s, 1}, {1100 * time.Millisecond, 2}, {2 * s, 3}}
	maxR, mean = rateStats(pts, 500*time.Millisecond)
	if maxR != 2 || mean != 1.5 {
		t.Fatalf("merged: max, mean = %v, %v; want 2, 1.5", maxR, mean)
	}
	// A counter reset counts from zero, not negative.
	pts = []point{{0, 10}, {1 * s, 12}, {2 * s, 1}}
	maxR, _ = rateStats(pts, 500*time.Millisecond)
	if maxR != 2 {
		t.Fatalf("reset: max = %v, want 2", maxR)
	}
	if m, r := rateStats(pts[:1], 0); m != 0 || r != 0 {
		t.Fatalf("one point: %v %v", m, r)
	}
}

func TestHistQuantile(t *testing.T) {
	bs := []bucket{{0.01, 50}, {0.05, 90}, {0.1, 100}, {math.Inf(1), 100}}
	if got := histQuantile(bs, 0.5); math.Abs(got-0.01) > 1e-9 {
		t.Errorf("p50 = %v, want 0.01", got)
	}
	if got := histQuantile(bs, 0.7); math.Abs(got-0.03) > 1e-9 {
		t.Errorf("p70 = %v, want 0.03", got)
	}
	if got := histQuantile([]bucket{{1, 0}, {math.Inf(1), 0}}, 0.5); !math.IsNaN(got) {
		t.Errorf("empty = %v, want NaN", got)
	}
	over := []bucket{{0.1, 1}, {math.Inf(1), 10}}
	if got := histQuantile(over, 0.99); got != 0.1 {
		t.Errorf("above the top bound = %v, want 0.1", got)
	}
}
