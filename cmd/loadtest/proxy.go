package main

import (
	"bytes"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// upstreamCall is one IVS call the console made, timed by the harness's
// pass-through proxy between the console and the emulator.
type upstreamCall struct {
	Start, End time.Duration // since the load started
	Op         string
	Region     string   // from the request's signature ("" when unsigned)
	Body       string   // the request, first 2 kB
	IDs        []string // resource ids the request names
}

var (
	arnIDRE   = regexp.MustCompile(`arn:aws:ivs:[a-z0-9-]*:[0-9]*:[a-z-]+/([A-Za-z0-9_-]+)`)
	fieldIDRE = regexp.MustCompile(`"(?:sessionId|participantId|activeSessionId|stageId|id)"\s*:\s*"([A-Za-z0-9_-]+)"`)
)

// idsIn lists the resource ids in a JSON request or response.
func idsIn(b []byte) []string {
	var out []string
	for _, m := range arnIDRE.FindAllSubmatch(b, -1) {
		out = appendNew(out, string(m[1]))
	}
	for _, m := range fieldIDRE.FindAllSubmatch(b, -1) {
		out = appendNew(out, string(m[1]))
	}
	return out
}

// linkOps are the calls whose answers tie ids together (an ingest
// configuration to its stage, a stage to its live session); lists of
// participants are left out, their ids are in the pages' URLs.
var linkOps = map[string]bool{"GetStage": true, "GetIngestConfiguration": true, "GetStageSession": true,
	"GetParticipant": true, "ListIngestConfigurations": true, "ListStageSessions": true}

// idGraph links ids that one scoped call named or answered together.
type idGraph struct {
	mu    sync.Mutex
	edges map[string]map[string]bool
}

func (g *idGraph) link(ids []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.edges == nil {
		g.edges = map[string]map[string]bool{}
	}
	for _, a := range ids {
		for _, b := range ids {
			if a == b {
				continue
			}
			if g.edges[a] == nil {
				g.edges[a] = map[string]bool{}
			}
			g.edges[a][b] = true
		}
	}
}

// closure is ids and what they link to, within hops.
func (g *idGraph) closure(ids []string, hops int) map[string]bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	set := map[string]bool{}
	frontier := ids
	for _, id := range ids {
		set[id] = true
	}
	for range hops {
		var next []string
		for _, a := range frontier {
			for b := range g.edges[a] {
				if !set[b] {
					set[b] = true
					next = append(next, b)
				}
			}
		}
		frontier = next
	}
	return set
}

// tap is a reverse proxy on loopback in front of the emulator that records
// every call's interval, so each page's wait for IVS can be told apart from
// the console's own time.
type tap struct {
	srv   *http.Server
	ln    net.Listener
	mu    sync.Mutex
	calls []upstreamCall
	start time.Time
	graph idGraph
}

func startTap(target string) (*tap, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	t := &tap{ln: ln, start: time.Now()}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.Transport = &http.Transport{MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}
	rp.ErrorLog = log.New(io.Discard, "", 0) // calls cut short at the end of a run
	t.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		t0 := time.Since(t.start)
		op := opOf(r, body)
		rw := &teeWriter{ResponseWriter: w, keep: linkOps[op]}
		rp.ServeHTTP(rw, r)
		c := upstreamCall{Start: t0, End: time.Since(t.start), Op: op, Region: regionOf(r.Header.Get("Authorization")), Body: string(body[:min(len(body), 2048)]), IDs: idsIn(body)}
		if len(c.IDs) > 0 && rw.keep {
			ids := c.IDs
			for _, id := range idsIn(rw.buf.Bytes()) {
				ids = appendNew(ids, id)
			}
			t.graph.link(ids)
		} else if len(c.IDs) > 1 {
			t.graph.link(c.IDs)
		}
		t.mu.Lock()
		t.calls = append(t.calls, c)
		t.mu.Unlock()
	})}
	go func() { _ = t.srv.Serve(ln) }()
	return t, nil
}

// teeWriter keeps up to 256 kB of a response whose ids link others.
type teeWriter struct {
	http.ResponseWriter
	keep bool
	buf  bytes.Buffer
}

func (w *teeWriter) Write(b []byte) (int, error) {
	if w.keep && w.buf.Len() < 256<<10 {
		w.buf.Write(b[:min(len(b), 256<<10-w.buf.Len())])
	}
	return w.ResponseWriter.Write(b)
}

func (t *tap) url() string { return "http://" + t.ln.Addr().String() }

func (t *tap) close() { _ = t.srv.Close() }

// setStart aligns the tap's clock with the load's.
func (t *tap) setStart(s time.Time) {
	t.mu.Lock()
	t.start, t.calls = s, nil
	t.mu.Unlock()
}

// pageIDs is what a page's calls may name: the ids in its URL and those
// linked to them (an ingest configuration's stage and that stage's live
// session: two hops).
func (t *tap) pageIDs(u string) map[string]bool { return t.graph.closure(idsOf(u), 2) }

func (t *tap) snapshot() []upstreamCall {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := append([]upstreamCall(nil), t.calls...)
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// opOf names the call: the REST path's first segment for IVS Real-Time
// (POST /ListParticipants), the Action for STS.
func opOf(r *http.Request, body []byte) string {
	if p := strings.Trim(r.URL.Path, "/"); p != "" {
		op, _, _ := strings.Cut(p, "/")
		return op
	}
	if q, err := url.ParseQuery(string(body)); err == nil && q.Get("Action") != "" {
		return q.Get("Action")
	}
	return "unknown"
}

// regionOf reads the region from a SigV4 Authorization header's credential
// scope (Credential=AKID/20261130/us-east-1/ivs/aws4_request, ...), as the
// emulator does.
func regionOf(authz string) string {
	_, cred, ok := strings.Cut(authz, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) < 5 {
		return ""
	}
	return parts[len(parts)-3]
}

// idsOf lists the resource ids in a console URL path: what follows
// stages/, sessions/, participants/ and ingest-configurations/.
func idsOf(u string) []string {
	segs := strings.Split(strings.Trim(pathOnly(u), "/"), "/")
	var ids []string
	for i := 0; i+1 < len(segs); i++ {
		switch segs[i] {
		case "stages", "sessions", "participants", "ingest-configurations":
			ids = append(ids, segs[i+1])
		}
	}
	return ids
}

func pathOnly(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	return p.Path
}

// upstreamWait is how long [t0, t1) overlapped IVS calls that belong to
// a page: calls naming one of its ids (those in its URL and those linked to
// them, see idGraph), or, for pages without ids (lists), List* calls. Overlapping calls count once.
// calls must be sorted by Start. longest is the largest overlap of a
// single call: a wait much longer than it means calls ran one after another.
func upstreamWait(calls []upstreamCall, ids map[string]bool, t0, t1 time.Duration) (total, longest time.Duration) {
	// Calls last at most ~10 s (the console's call timeout): start there.
	i := sort.Search(len(calls), func(i int) bool { return calls[i].Start >= t0-15*time.Second })
	curS, curE := time.Duration(-1), time.Duration(-1)
	for ; i < len(calls) && calls[i].Start < t1; i++ {
		c := calls[i]
		if c.End <= t0 || !related(c, ids) {
			continue
		}
		s, e := max(c.Start, t0), min(c.End, t1)
		if s >= e {
			continue
		}
		longest = max(longest, e-s)
		if s > curE { // a new run of overlapping calls
			if curE > curS {
				total += curE - curS
			}
			curS, curE = s, e
		} else if e > curE {
			curE = e
		}
	}
	if curE > curS {
		total += curE - curS
	}
	return total, longest
}

func related(c upstreamCall, ids map[string]bool) bool {
	if c.Op == "GetCallerIdentity" {
		return true // the account id, needed by any page that builds an ARN
	}
	if len(ids) == 0 {
		return strings.HasPrefix(c.Op, "List")
	}
	for _, id := range c.IDs {
		if ids[id] {
			return true
		}
	}
	return false
}
