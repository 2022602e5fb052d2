package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/pgdb"
)

// TestThreeReplicasBehindNginx runs the documented high-availability
// set-up for real: three replicas started at once on an empty PostgreSQL
// database, one Redis, nginx in front. It checks the bars of several
// replicas one after the other on the same stack: one schema, one leader,
// sessions and CSRF whichever replica answers, one IVS call budget, a
// take-over within 10 s that neither repeats nor loses an alert, no
// acknowledged action lost when a replica is killed, and a newer schema
// refused.
func TestThreeReplicasBehindNginx(t *testing.T) {
	s := newHAStack(t)
	var reps [3]*replica
	var wg sync.WaitGroup
	for i := range reps {
		wg.Add(1)
		go func() { defer wg.Done(); reps[i] = s.start(fmt.Sprintf("r%d", i+1)) }()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	lb := s.nginx(reps[:]...)
	pool, err := pgxpool.New(context.Background(), s.db)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	t.Run("the schema is created once", func(t *testing.T) {
		rows, err := pool.Query(context.Background(), `SELECT version_id, count(*) FROM goose_db_version WHERE version_id > 0 GROUP BY version_id ORDER BY version_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var versions []int64
		for rows.Next() {
			var v, n int64
			if err := rows.Scan(&v, &n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("migration %d applied %d times", v, n)
			}
			versions = append(versions, v)
		}
		if len(versions) == 0 || versions[len(versions)-1] != pgdb.Newest() {
			t.Errorf("migrations %v, want up to %d", versions, pgdb.Newest())
		}
	})

	t.Run("one leader, and the followers serve its model", func(t *testing.T) {
		if !waitUntil(15*time.Second, func() bool { return s.leader() != nil }) {
			for _, r := range reps {
				_, page := get(signedIn("ops"), r.base+"/r/us-east-1/ingest-configurations")
				t.Logf("%s readyz: %q\nlist: %.300s\noutput: %s", r.id, r.readyz(), page, r.out.String())
			}
			t.Fatal("no leader within 15 s")
		}
		leaders := 0
		for _, r := range reps {
			text := r.readyz()
			if strings.Contains(text, "leads") {
				leaders++
			}
			if !strings.HasPrefix(text, "ready\n") || !strings.Contains(text, "call budget: shared through Redis") || !strings.Contains(text, "store: PostgreSQL") {
				t.Errorf("%s /readyz:\n%s", r.id, text)
			}
		}
		if leaders != 1 {
			t.Fatalf("%d replicas lead", leaders)
		}
		// Every replica's board shows the demo world the leader watches.
		for _, r := range reps {
			waitFor(t, r.id+"'s board shows live stages", 20*time.Second, func() bool {
				_, page := get(signedIn("ops"), r.base+"/board")
				return strings.Contains(page, "studio-b")
			})
		}
	})

	t.Run("a session and its CSRF token work on every replica", func(t *testing.T) {
		c := signedIn("ops")
		_, list := get(c, reps[0].base+"/r/us-east-1/ingest-configurations")
		token := hxTokenRE.FindStringSubmatch(list)
		ids := ingestRE.FindAllStringSubmatch(list, -1)
		if token == nil || len(ids) == 0 {
			t.Fatal("no CSRF token or configuration on r1's list")
		}
		for _, r := range reps[1:] {
			resp, err := c.PostForm(r.base+ids[0][1]+"/reveal", url.Values{"_csrf": {token[1]}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("reveal on %s with r1's session and token: %d", r.id, resp.StatusCode)
			}
		}
	})

	t.Run("the replicas spend one IVS call budget", func(t *testing.T) {
		viewers := 60
		if v, err := strconv.Atoi(os.Getenv("GREENROOM_HA_VIEWERS")); err == nil && v > 0 {
			viewers = v
		}
		window := 12 * time.Second
		pages := s.pages(t, reps[0].base)
		one := s.load(reps[0].base, pages, viewers, window)
		three := s.load(lb, pages, viewers, window)
		rate, _ := strconv.ParseFloat(s.rate, 64)
		// Pages' budget plus the watcher's, each with its burst, and one
		// call of slack for a window edge.
		limit := int((rate+1)*window.Seconds()) + 2 + 1 + 1
		total1, total3 := 0, 0
		var lines []string
		for op, n := range three.calls {
			total3 += n
			if n > limit {
				t.Errorf("%s: %d calls in %v through three replicas, budget allows %d", op, n, window, limit)
			}
			lines = append(lines, fmt.Sprintf("%s %d/%d", op, one.calls[op], n))
		}
		for _, n := range one.calls {
			total1 += n
		}
		sort.Strings(lines)
		t.Logf("%d viewers, %v each: one replica %d pages (%d failed), %d IVS calls; three replicas %d pages (%d failed), %d IVS calls (%.2f×); per op one/three: %s",
			viewers, window, one.pages, one.failed, total1, three.pages, three.failed, total3, float64(total3)/float64(max(1, total1)), strings.Join(lines, ", "))
		if float64(total3) > 1.1*float64(total1) {
			t.Errorf("three replicas made %d IVS calls, one made %d under the same load: more than 1.1×", total3, total1)
		}
		if three.failed > three.pages/20 {
			t.Errorf("%d of %d pages failed through nginx", three.failed, three.pages)
		}
	})

	t.Run("the leader killed: a new one within 10 s, one alert for a drop during the take-over", func(t *testing.T) {
		cfg := emulatorConfig(t, s.emu.URL, "studio-b-redundant")
		id := cfg[strings.LastIndex(cfg, "/")+1:]
		old := s.leader()
		if old == nil {
			t.Fatal("no leader")
		}
		waitFor(t, "the pair is protected on the board of every replica", 20*time.Second, func() bool {
			for _, r := range reps {
				if !regexp.MustCompile(`greenroom_ingest_protection\{[^}]*configuration="` + id + `"[^}]*state="protected"\} 1`).MatchString(scrape(t, r.base+"/metrics")) {
					return false
				}
			}
			return true
		})
		firingBefore := len(s.hook.about(cfg, "firing"))
		old.kill()
		killed := time.Now()
		cue(t, s.emu.URL, "encoder/drop", `{"region":"us-east-1","ingestConfiguration":"`+id+`","encoder":"A","errorCode":"BITRATE_EXCEEDED"}`)
		var next *replica
		waitFor(t, "a new leader", 10*time.Second, func() bool { next = s.leader(); return next != nil })
		t.Logf("%s killed; %s leads %v later", old.id, next.id, time.Since(killed).Round(100*time.Millisecond))

		waitFor(t, "the alert for the drop", 20*time.Second, func() bool { return len(s.hook.about(cfg, "firing")) > firingBefore })
		t.Logf("alert %v after the kill", time.Since(killed).Round(100*time.Millisecond))
		waitFor(t, "the followers serve the new leader's model", 30*time.Second, func() bool {
			for _, r := range reps {
				if r != next && r.alive() && !modelTime(r.readyz()).After(killed) {
					return false
				}
			}
			return true
		})
		time.Sleep(4 * time.Second) // more sweeps: nothing is sent twice
		if n := len(s.hook.about(cfg, "firing")) - firingBefore; n != 1 {
			t.Errorf("%d alerts for one drop during the take-over", n)
		}
		s.hook.mu.Lock()
		seen := map[string]int{}
		for _, m := range s.hook.msgs {
			seen[m.Greenroom.Key+" "+m.Greenroom.Status+" "+m.Greenroom.Since.String()]++
		}
		s.hook.mu.Unlock()
		for k, n := range seen {
			if n > 1 {
				t.Errorf("alert %s sent %d times", k, n)
			}
		}
		cue(t, s.emu.URL, "encoder/recover", `{"region":"us-east-1","ingestConfiguration":"`+id+`","encoder":"A"}`)
		reps = [3]*replica{next, survivorOther(reps[:], old, next), s.start(old.id)}
	})

	t.Run("a replica killed during reveals and creates loses no acknowledged action", func(t *testing.T) {
		c := signedIn("ops")
		_, list := get(c, lb+"/r/us-east-1/ingest-configurations")
		token := hxTokenRE.FindStringSubmatch(list)
		ids := ingestRE.FindAllStringSubmatch(list, -1)
		if token == nil || len(ids) == 0 {
			t.Fatal("no CSRF token or configuration on the list")
		}
		var mu sync.Mutex
		acked := map[string]string{}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range 6 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					target, action := lb+ids[(w+i)%len(ids)][1]+"/reveal", audit.ActionReveal
					form := url.Values{"_csrf": {token[1]}}
					if i%4 == 3 {
						target, action = lb+"/r/us-east-1/ingest-configurations", audit.ActionIngestCreate
						form.Set("protocol", "RTMPS")
						form.Set("name", "burst")
						form.Set("idempotency_key", fmt.Sprintf("ha-burst-%d-%06d", w, i))
					}
					resp, err := c.PostForm(target, form)
					if err != nil {
						continue
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusSeeOther {
						mu.Lock()
						acked[resp.Header.Get("X-Request-Id")] = action
						mu.Unlock()
					}
				}
			}()
		}
		waitFor(t, "40 acknowledged actions", 30*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 40 })
		reps[1].kill()
		time.Sleep(time.Second) // the burst goes on through the others
		close(stop)
		wg.Wait()

		log, err := audit.OpenPostgres(context.Background(), pool)
		if err != nil {
			t.Fatal(err)
		}
		recorded := map[string]string{}
		f := audit.Filter{Limit: audit.MaxLimit}
		for {
			events, next, err := log.Query(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range events {
				if e.Outcome == audit.OutcomeSuccess {
					recorded[strings.Fields(e.RequestID)[0]] = e.Action // "ours (proxy: nginx's)"
				}
			}
			if next == "" {
				break
			}
			f.Cursor = next
		}
		byAction := map[string]int{}
		for id, action := range acked {
			byAction[action]++
			if recorded[id] != action {
				t.Errorf("%s %s was answered with success but is not in PostgreSQL", action, id)
			}
		}
		if byAction[audit.ActionIngestCreate] == 0 || byAction[audit.ActionReveal] == 0 {
			t.Errorf("the burst should mix reveals and creates: %v", byAction)
		}
		t.Logf("%v acknowledged around the SIGKILL of %s, all in PostgreSQL", byAction, reps[1].id)
	})

	t.Run("Redis down: each replica spends its share and says so", func(t *testing.T) {
		r := reps[0]
		s.redis.Stop()
		waitFor(t, "/readyz says local share", 15*time.Second, func() bool {
			get(signedIn("ops"), r.base+"/r/us-east-1/stages?redis=down") // a call that needs the budget
			return strings.Contains(r.readyz(), "call budget: LOCAL SHARE, 1/3 of the budget")
		})
		if !regexp.MustCompile(`greenroom_call_budget_shared\{pool="(pages|watch)"\} 0`).MatchString(scrape(t, r.base+"/metrics")) {
			t.Error("the gauge does not say the budget is not shared")
		}
		if code, _ := get(signedIn("ops"), r.base+"/board"); code != http.StatusOK {
			t.Errorf("the board answers %d without Redis", code)
		}
		s.redis.Start()
		waitFor(t, "/readyz says shared again", 15*time.Second, func() bool {
			return strings.Contains(r.readyz(), "call budget: shared through Redis")
		})
	})

	t.Run("PostgreSQL down: pages still serve, /readyz says so, a leader again once it is back", func(t *testing.T) {
		if err := s.pg.Stop(); err != nil {
			t.Fatal(err)
		}
		r := reps[0]
		waitFor(t, "/readyz says the store is unreachable", 10*time.Second, func() bool {
			return strings.Contains(r.readyz(), "store: PostgreSQL NOT REACHABLE")
		})
		if code, page := get(signedIn("ops"), r.base+"/board"); code != http.StatusOK || !strings.Contains(page, "studio-b") {
			t.Errorf("the board answers %d without PostgreSQL", code)
		}
		if err := s.pg.Start(); err != nil {
			t.Fatal(err)
		}
		back := time.Now()
		waitFor(t, "a leader shares its model again once PostgreSQL is back", 30*time.Second, func() bool {
			for _, f := range reps {
				if f.alive() && !f.leads() && modelTime(f.readyz()).After(back) {
					return true
				}
			}
			return false
		})
		waitFor(t, "/readyz says the store is reachable", 10*time.Second, func() bool {
			return strings.Contains(r.readyz(), "store: PostgreSQL reachable")
		})
	})

	t.Run("a console older than the schema refuses to start with one line", func(t *testing.T) {
		newer := pgdb.Newest() + 1
		if _, err := pool.Exec(context.Background(), `INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)`, newer); err != nil {
			t.Fatal(err)
		}
		defer pool.Exec(context.Background(), `DELETE FROM goose_db_version WHERE version_id = $1`, newer)
		out := &syncBuffer{}
		err := run(context.Background(), s.args("old"), noEnv, out)
		if err == nil {
			t.Fatal("the console started against a newer schema")
		}
		msg := err.Error()
		if strings.Contains(msg, "\n") || !strings.Contains(msg, strconv.FormatInt(newer, 10)) || !strings.Contains(msg, "newer") || strings.Contains(msg, "postgres://") {
			t.Errorf("refusal %q: want one line naming the schema version, without the database URL", msg)
		}
	})
}

func survivorOther(reps []*replica, not ...*replica) *replica {
	for _, r := range reps {
		if !slices.Contains(not, r) {
			return r
		}
	}
	return nil
}

var modelTimeRE = regexp.MustCompile(`model of ([^)\s]+)`)

// modelTime is when the leader wrote the model a replica serves, from its
// /readyz (zero when it says none).
func modelTime(readyz string) time.Time {
	m := modelTimeRE.FindStringSubmatch(readyz)
	if m == nil {
		return time.Time{}
	}
	at, _ := time.Parse(time.RFC3339Nano, m[1])
	return at
}

func get(c *http.Client, u string) (int, string) {
	resp, err := c.Get(u)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var stageLinkRE = regexp.MustCompile(`href="(/r/[a-z0-9-]+/stages/[A-Za-z0-9]{12})"`)
var sessionLinkRE = regexp.MustCompile(`href="(/r/[a-z0-9-]+/stages/[A-Za-z0-9]{12}/sessions/[A-Za-z0-9-]+)"`)

// pages are what the viewers open: the board, the lists, every stage page
// and the sessions they link to.
func (s *haStack) pages(t *testing.T, base string) []string {
	c := signedIn("viewer")
	out := []string{"/board", "/r/us-east-1/stages", "/r/eu-west-1/stages", "/r/us-east-1/ingest-configurations"}
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		_, list := get(c, base+"/r/"+region+"/stages")
		for _, m := range stageLinkRE.FindAllStringSubmatch(list, -1) {
			if slices.Contains(out, m[1]) {
				continue
			}
			out = append(out, m[1])
			_, page := get(c, base+m[1])
			for _, sm := range sessionLinkRE.FindAllStringSubmatch(page, 3) {
				if !slices.Contains(out, sm[1]) {
					out = append(out, sm[1])
				}
			}
		}
	}
	if len(out) < 10 {
		t.Fatalf("only %d pages to view: %v", len(out), out)
	}
	return out
}

type loadResult struct {
	pages, failed int
	calls         map[string]int
}

// load has viewers open random pages of base, one a second each, for the
// window, and counts the IVS calls made meanwhile.
func (s *haStack) load(base string, pages []string, viewers int, window time.Duration) loadResult {
	var mu sync.Mutex
	res := loadResult{}
	from := time.Now()
	end := from.Add(window)
	var wg sync.WaitGroup
	for v := range viewers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := signedIn(fmt.Sprintf("viewer%d", v))
			r := rand.New(rand.NewPCG(uint64(v), 7))
			time.Sleep(time.Duration(r.IntN(1000)) * time.Millisecond)
			for time.Now().Before(end) {
				code, _ := get(c, base+pages[r.IntN(len(pages))])
				mu.Lock()
				res.pages++
				if code != http.StatusOK {
					res.failed++
				}
				mu.Unlock()
				time.Sleep(time.Second)
			}
		}()
	}
	wg.Wait()
	res.calls = s.calls.between(from, end)
	return res
}

func waitUntil(within time.Duration, ok func() bool) bool {
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return true
		}
	}
	return false
}
