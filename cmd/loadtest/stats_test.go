package main

import (
	"math"
	"net/url"
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

func TestParseStatus(t *testing.T) {
	m := parseStatus([]byte("Name:\tgreenroom\nVmPeak:\t 1 kB\nVmHWM:\t   40960 kB\nVmRSS:\t   39000 kB\n"))
	if m.HWM != 40960*1024 || m.RSS != 39000*1024 {
		t.Fatalf("%+v", m)
	}
	d, err := parseStatCPU([]byte("1234 (green room) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 12 0 99"))
	if err != nil || d != 3*time.Second {
		t.Fatalf("cpu = %v, %v; want 3s", d, err)
	}
}

func TestUpstreamWait(t *testing.T) {
	ms := time.Millisecond
	ids := idsOf("http://127.0.0.1:1/r/us-east-1/stages/STAGE1/sessions/st-S1?fragment=live")
	if len(ids) != 2 || ids[0] != "STAGE1" || ids[1] != "st-S1" {
		t.Fatalf("ids = %v", ids)
	}
	body := func(s string) []string { return idsIn([]byte(s)) }
	calls := []upstreamCall{
		{Start: 0, End: 40 * ms, Op: "ListParticipants", IDs: body(`{"stageArn":"arn:aws:ivs:us-east-1:123456789012:stage/STAGE1","sessionId":"st-S1"}`)},
		// overlaps the first
		{Start: 20 * ms, End: 60 * ms, Op: "ListParticipantEvents", IDs: body(`{"sessionId":"st-S1","participantId":"P1"}`)},
		// another page's
		{Start: 10 * ms, End: 90 * ms, Op: "GetStage", IDs: body(`{"arn":"arn:aws:ivs:us-east-1:123456789012:stage/OTHER"}`)},
		{Start: 100 * ms, End: 140 * ms, Op: "ListStages"},
		{Start: 150 * ms, End: 190 * ms, Op: "GetIngestConfiguration", IDs: body(`{"arn":"arn:aws:ivs:us-east-1:123456789012:ingest-configuration/ING1"}`)},
	}
	if got := calls[0].IDs; len(got) != 2 || got[0] != "STAGE1" || got[1] != "st-S1" {
		t.Fatalf("ids in a request = %v", got)
	}
	set := func(ids ...string) map[string]bool {
		m := map[string]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	// A request from 5 to 70 ms waited 5..60 for its calls (counted once).
	if got, long := upstreamWait(calls, set(ids...), 5*ms, 70*ms); got != 55*ms || long != 40*ms {
		t.Errorf("wait = %v, longest %v; want 55ms, 40ms", got, long)
	}
	// A cache hit at 80..81 ms overlapped no call of its page.
	if got, _ := upstreamWait(calls, set(ids...), 80*ms, 81*ms); got != 0 {
		t.Errorf("hit wait = %v, want 0", got)
	}
	// A list page counts List* calls only.
	if got, _ := upstreamWait(calls, set(idsOf("/r/us-east-1/stages")...), 0, 200*ms); got != 100*ms {
		// ListParticipants 0..40 and ListParticipantEvents 20..60 merge to 60, ListStages adds 40
		t.Errorf("list wait = %v, want 100ms", got)
	}
}

func TestIDGraph(t *testing.T) {
	var g idGraph
	// GetIngestConfiguration answered with its stage; GetStage with the live session.
	g.link(idsIn([]byte(`{"arn":"arn:aws:ivs:us-east-1:1:ingest-configuration/ING1"} {"ingestConfiguration":{"stageArn":"arn:aws:ivs:us-east-1:1:stage/ST1"}}`)))
	g.link(idsIn([]byte(`{"arn":"arn:aws:ivs:us-east-1:1:stage/ST1"} {"stage":{"activeSessionId":"st-A"}}`)))
	c := g.closure(idsOf("/r/us-east-1/ingest-configurations/ING1"), 2)
	for _, id := range []string{"ING1", "ST1", "st-A"} {
		if !c[id] {
			t.Errorf("closure of ING1 lacks %s: %v", id, c)
		}
	}
	if c1 := g.closure([]string{"ING1"}, 1); c1["st-A"] {
		t.Errorf("one hop reached two away: %v", c1)
	}
}

func TestParsePage(t *testing.T) {
	base, _ := url.Parse("http://127.0.0.1:8080/r/us-east-1/stages/ST1/sessions/st-1")
	html := `<html><head><link rel="stylesheet" href="/static/app.css?v=1"><script src="/static/htmx.min.js?v=2" defer></script></head>
<body><div id="live" hx-get="/r/us-east-1/stages/ST1/sessions/st-1?fragment=live" hx-trigger="every 2s [visible]" hx-target="#rows"></div>
<div hx-get="/x" hx-trigger="click"></div>
<table><thead><tr><th>a</th></tr></thead><tbody><tr><td><a href="participants/P1">p</a></td></tr><tr><td><a class="badge badge-live" href="#top">x</a></td></tr></tbody></table></body></html>`
	info := parsePage([]byte(html), base)
	if len(info.Assets) != 2 || info.Assets[0] != "http://127.0.0.1:8080/static/app.css?v=1" {
		t.Errorf("assets = %v", info.Assets)
	}
	if len(info.Polls) != 1 || info.Polls[0].Every != 2*time.Second || info.Polls[0].Target != "rows" || info.Polls[0].Trigger != "live" ||
		info.Polls[0].URL != "http://127.0.0.1:8080/r/us-east-1/stages/ST1/sessions/st-1?fragment=live" {
		t.Errorf("polls = %+v", info.Polls)
	}
	if info.Rows != 2 {
		t.Errorf("rows = %d, want 2 (the header row is not one)", info.Rows)
	}
	if len(info.Links) != 1 || info.Links[0].Href != "http://127.0.0.1:8080/r/us-east-1/stages/ST1/sessions/participants/P1" {
		t.Errorf("links = %+v", info.Links)
	}
	for trig, want := range map[string]time.Duration{"every 500ms": 500 * time.Millisecond, "load, every 1.5s": 1500 * time.Millisecond, "every 1m": time.Minute, "every 3": 3 * time.Second} {
		if got, ok := parseEvery(trig); !ok || got != want {
			t.Errorf("parseEvery(%q) = %v, %v; want %v", trig, got, ok, want)
		}
	}
	if _, ok := parseEvery("click"); ok {
		t.Error("click is not polling")
	}
}
