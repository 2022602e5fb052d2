package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRegionLinesAndSettled(t *testing.T) {
	page := func(east, west string) []byte {
		return []byte(`<div id="board"><ul aria-label="Freshness by region">` +
			`<li data-region="us-east-1"><strong class="mono">us-east-1</strong>: 0 live, 0 idle · ` + east + `</li>` +
			`<li data-region="eu-west-1"><strong class="mono">eu-west-1</strong>: 2 live, 2 idle · ` + west + `</li>` +
			`</ul><nav><ul><li>not a region</li></ul></nav></div>`)
	}
	first := `<span class="muted">first look under way…</span>`
	seen := `<span class="muted">seen <time>1 s ago</time> (every 2 s)</span>`

	lines := regionLines(page(first, seen))
	if len(lines) != 2 || lines[0].Region != "us-east-1" || lines[1].Region != "eu-west-1" {
		t.Fatalf("regionLines = %+v, want us-east-1 and eu-west-1 only", lines)
	}
	if want := "eu-west-1: 2 live, 2 idle · seen 1 s ago (every 2 s)"; lines[1].Text != want {
		t.Errorf("text = %q, want %q", lines[1].Text, want)
	}
	if settled(lines) {
		t.Error("settled while us-east-1 is at its first look")
	}
	if !settled(regionLines(page(seen, seen))) {
		t.Error("not settled when both regions were seen")
	}
	errLine := `<span class="error-text">IVS has not answered the watcher since <time>5 s ago</time></span>`
	if !settled(regionLines(page(errLine, seen))) {
		t.Error("a region whose sweep failed has finished its first look")
	}
	if settled(nil) || settled(regionLines([]byte(`<p>sign in</p>`))) {
		t.Error("a page without region lines counts as settled")
	}
}

func TestReadSSE(t *testing.T) {
	stream := "event: board\ndata: <div id=\"board\">\ndata: </div>\n\n" +
		": keep-alive\n\n" +
		"data: no name\n\n" +
		"event: board\ndata:tight\n\n" +
		"event: ignored-without-data\n\n" +
		"event: board\ndata: cut short"
	type ev struct{ name, data string }
	var got []ev
	comments := 0
	err := readSSE(strings.NewReader(stream), func(name string, data []byte) {
		got = append(got, ev{name, string(data)})
	}, func() { comments++ })
	if err != nil {
		t.Fatal(err)
	}
	want := []ev{{"board", "<div id=\"board\">\n</div>"}, {"", "no name"}, {"board", "tight"}}
	if !slices.Equal(got, want) {
		t.Errorf("events = %q, want %q (an event without its blank line is not dispatched)", got, want)
	}
	if comments != 1 {
		t.Errorf("comments = %d, want 1", comments)
	}
}

func TestMaxWithin(t *testing.T) {
	s := func(v ...int) []time.Duration {
		var out []time.Duration
		for _, x := range v {
			out = append(out, time.Duration(x)*time.Millisecond)
		}
		return out
	}
	for _, c := range []struct {
		in   []time.Duration
		want int
	}{
		{nil, 0},
		{s(0), 1},
		{s(0, 1000, 2000), 1},                 // exactly 1 s apart: never two within 1 s
		{s(0, 999, 1998), 2},                  // a sliding window, not fixed seconds
		{s(0, 400, 900, 1300, 1350, 3000), 4}, // 400 to 1350
	} {
		if got := maxWithin(c.in, time.Second); got != c.want {
			t.Errorf("maxWithin(%v) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestCountCalls(t *testing.T) {
	at := func(ms int, op, region string) upstreamCall {
		return upstreamCall{Start: time.Duration(ms) * time.Millisecond, Op: op, Region: region}
	}
	calls := []upstreamCall{
		at(500, "ListStages", "us-east-1"), // before the window
		at(1000, "ListStages", "us-east-1"),
		at(1500, "ListStages", "us-east-1"),
		at(1200, "ListStages", "eu-west-1"),
		at(2900, "ListParticipants", "us-east-1"),
		at(3000, "ListParticipants", "us-east-1"), // at the window's end: out
	}
	got := countCalls(calls, time.Second, 3*time.Second)
	want := []opCount{
		{Op: "ListParticipants", Region: "us-east-1", N: 1, MaxSec: 1},
		{Op: "ListStages", Region: "eu-west-1", N: 1, MaxSec: 1},
		{Op: "ListStages", Region: "us-east-1", N: 2, MaxSec: 2},
	}
	if !slices.Equal(got, want) {
		t.Errorf("countCalls = %+v, want %+v", got, want)
	}
	if r := callsPerSec(got, 2*time.Second); r != 2 {
		t.Errorf("callsPerSec = %v, want 2", r)
	}
}

func TestRegionOf(t *testing.T) {
	for in, want := range map[string]string{
		"AWS4-HMAC-SHA256 Credential=AKID/20261130/eu-west-1/ivs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc": "eu-west-1",
		"AWS4-HMAC-SHA256 Credential=AKID/20261130/us-east-1/sts/aws4_request,SignedHeaders=host":                            "us-east-1",
		"":                                       "",
		"Bearer x":                               "",
		"AWS4-HMAC-SHA256 Credential=AKID/short": "",
	} {
		if got := regionOf(in); got != want {
			t.Errorf("regionOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTiles(t *testing.T) {
	body := []byte(`<main><article class="tile">abc</article><p>x</p><article>de</article><article>open`)
	n, size := tiles(body)
	if n != 2 || size != len(`<article class="tile">abc</article>`)+len(`<article>de</article>`) {
		t.Errorf("tiles = %d, %d bytes", n, size)
	}
}

func TestPushesOf(t *testing.T) {
	ms := func(v int) time.Duration { return time.Duration(v) * time.Millisecond }
	client := func(ats ...int) *boardClient {
		c := &boardClient{opened: []time.Duration{ms(1)}}
		for i, at := range ats {
			// The same body twice (2 s apart, nothing changed): two pushes.
			sum := uint64(i)
			if i == 3 {
				sum = 2
			}
			c.events = append(c.events, sseEvent{At: ms(at), Size: 1000, Sum: sum, Board: true})
		}
		return c
	}
	bw := boardWindow{Viewers: 2, From: ms(1000), To: ms(9000), Clients: []*boardClient{
		client(100, 2000, 4000, 6000),
		client(300, 2003, 4001, 6002),
	}}
	bw.Clients[1].events = append(bw.Clients[1].events, sseEvent{At: ms(7000), Size: 10, Board: false})
	ps := pushesOf(bw)
	if ps.Min != 3 || ps.Max != 3 {
		t.Errorf("per viewer %d-%d, want 3 (the first event is before the window)", ps.Min, ps.Max)
	}
	if ps.Pushes != 3 {
		t.Errorf("pushes = %d, want 3", ps.Pushes)
	}
	if ps.SpreadMax != ms(3) {
		t.Errorf("spread max = %v, want 3ms", ps.SpreadMax)
	}
	// Gaps 1900, 2000, 2000 and 1703, 1998, 2001: the one before the window counts.
	if ps.Gaps.N != 6 || ps.GapMax != ms(2001) || ps.Gaps.P50 != ms(1998) {
		t.Errorf("gaps = %+v, max %v", ps.Gaps, ps.GapMax)
	}
	if ps.Other != 1 || ps.MeanBytes != 1000 {
		t.Errorf("other = %d, mean bytes = %d", ps.Other, ps.MeanBytes)
	}
	if want := 3000.0 / 8; fmt.Sprintf("%.1f", ps.BytesPerSec) != fmt.Sprintf("%.1f", want) {
		t.Errorf("bytes/s per viewer = %v, want %v", ps.BytesPerSec, want)
	}
}
