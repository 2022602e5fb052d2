package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/emulator"
	"github.com/greenroom-dev/greenroom/internal/pgtest"
	"github.com/greenroom-dev/greenroom/internal/redistest"
)

// haStack is what several replicas run against, all real and on loopback:
// a PostgreSQL cluster, Redis, the IVS emulator (counting the calls it
// answers), a webhook receiver, an oauth2-proxy stand-in and nginx.
type haStack struct {
	t     *testing.T
	pg    *pgtest.Cluster
	db    string
	redis *redistest.Server
	emu   *httptest.Server
	calls *callLog
	hook  *receiver
	hookS *httptest.Server
	oauth *httptest.Server
	mu    sync.Mutex
	reps  map[string]*replica
	rate  string // -ivs-call-rate of every replica
}

// replica is one console process.
type replica struct {
	id   string
	cmd  *exec.Cmd
	base string
	out  *syncBuffer
	done chan struct{}
}

func newHAStack(t *testing.T) *haStack {
	if testing.Short() {
		t.Skip("integration test: starts PostgreSQL, Redis, nginx and three consoles")
	}
	if _, err := os.Stat(nginxBinary); err != nil {
		t.Fatalf("nginx is needed for this test: apt-get install nginx-light (make test does it): %v", err)
	}
	s := &haStack{t: t, reps: map[string]*replica{}, rate: "2"}
	s.pg = pgtest.StartCluster(t)
	db, err := s.pg.CreateDatabase("greenroom")
	if err != nil {
		t.Fatal(err)
	}
	s.db = db
	s.redis = redistest.New(t)
	emu, err := emulator.New(emulator.Options{Seed: "demo", RandSeed: 11})
	if err != nil {
		t.Fatal(err)
	}
	s.calls = &callLog{}
	s.emu = httptest.NewServer(s.calls.counting(emu))
	t.Cleanup(s.emu.Close)
	s.hook = &receiver{}
	s.hookS = httptest.NewServer(s.hook)
	t.Cleanup(s.hookS.Close)
	s.oauth = httptest.NewServer(http.HandlerFunc(opsSignIn))
	t.Cleanup(s.oauth.Close)
	return s
}

// opsSignIn answers nginx's auth_request like oauth2-proxy: the cookie
// names the signed-in user, an operator and keyholder.
func opsSignIn(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie("_oauth2_proxy")
	if r.URL.Path != "/oauth2/auth" || err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	w.Header().Set("X-Auth-Request-User", c.Value)
	w.Header().Set("X-Auth-Request-Email", c.Value+"@example.com")
	w.Header().Set("X-Auth-Request-Groups", "ivs-ops")
	w.WriteHeader(http.StatusAccepted)
}

// args are a replica's flags: the documented set-up of several replicas.
func (s *haStack) args(id string) []string {
	return []string{"-addr", "127.0.0.1:0", "-log-level", "warn", "-ivs-endpoint", s.emu.URL, "-ivs-timeout", "5s",
		"-database", s.db, "-redis-url", s.redis.URL(), "-replicas", "3", "-replica-id", id,
		"-auth", "proxy", "-trusted-proxies", "127.0.0.1/32", "-session-keys", testSessionKey,
		"-role-map", "ivs-ops=operator,ivs-ops=keyholder", "-notify-webhook", s.hookS.URL + "/hook",
		"-ivs-call-rate", s.rate, "-watch-call-rate", "1", "-watch-min-cadence", "1s"}
}

// start runs a replica as a child process (TestConsoleChild) and waits
// until it listens.
func (s *haStack) start(id string) *replica {
	s.t.Helper()
	r := &replica{id: id, out: &syncBuffer{}, done: make(chan struct{})}
	r.cmd = exec.Command(os.Args[0], "-test.run=^TestConsoleChild$")
	r.cmd.Env = append(os.Environ(), "GREENROOM_TEST_CHILD_ARGS="+strings.Join(s.args(id), " "))
	r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
	if err := r.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	go func() { _ = r.cmd.Wait(); close(r.done) }()
	s.t.Cleanup(func() { r.kill() })
	re := regexp.MustCompile(`running at (http://[0-9.:]+)`)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(r.out.String()); m != nil {
			r.base = m[1]
			s.mu.Lock()
			s.reps[id] = r
			s.mu.Unlock()
			return r
		}
		select {
		case <-r.done:
			s.t.Fatalf("replica %s exited: %s", id, r.out.String())
		default:
		}
	}
	s.t.Fatalf("replica %s did not start: %s", id, r.out.String())
	return nil
}

func (r *replica) kill() {
	_ = r.cmd.Process.Signal(syscall.SIGKILL)
	<-r.done
}

func (r *replica) alive() bool {
	select {
	case <-r.done:
		return false
	default:
		return true
	}
}

// readyz is the replica's /readyz text ("" when it does not answer).
func (r *replica) readyz() string {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(r.base + "/readyz")
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func (r *replica) leads() bool { return strings.Contains(r.readyz(), "leads") }

// leader is the replica that says it leads (nil when none does).
func (s *haStack) leader() *replica {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.reps {
		if r.alive() && r.leads() {
			return r
		}
	}
	return nil
}

// nginx starts nginx in front of the replicas, configured as docs/deploy.md
// says for several replicas, and returns its base URL.
func (s *haStack) nginx(reps ...*replica) string {
	s.t.Helper()
	doc, err := os.ReadFile("../../docs/deploy.md")
	if err != nil {
		s.t.Fatal(err)
	}
	up := regexp.MustCompile("(?s)## High availability.*?```nginx\n(.*?)```").FindSubmatch(doc)
	if up == nil {
		s.t.Fatal("docs/deploy.md has no nginx upstream example under its High availability heading")
	}
	var servers []string
	for _, r := range reps {
		servers = append(servers, "    server "+strings.TrimPrefix(r.base, "http://")+" max_fails=1 fail_timeout=5s;")
	}
	upstream := regexp.MustCompile(`(?m)^\s*server 10\.0\.0\.\d+:8080[^\n]*\n`).ReplaceAllString(string(up[1]), "")
	upstream = strings.Replace(upstream, "upstream greenroom {\n", "upstream greenroom {\n"+strings.Join(servers, "\n")+"\n", 1)

	port := freePort(s.t)
	server := nginxConfig(s.t, port, strings.TrimPrefix(s.oauth.URL, "http://"), "greenroom")
	return runNginx(s.t, port, upstream+"\n"+server)
}

// callLog counts the IVS calls the emulator answers, by operation and
// region, with their times.
type callLog struct {
	mu    sync.Mutex
	calls []ivsCall
}

type ivsCall struct {
	at         time.Time
	op, region string
}

var scopeRegion = regexp.MustCompile(`Credential=[^/]+/\d{8}/([a-z0-9-]+)/`)

func (l *callLog) counting(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// IVS calls only: not the admin API, not the SQS event queue.
		if !strings.HasPrefix(r.URL.Path, "/_emulator") && !strings.HasPrefix(r.Header.Get("X-Amz-Target"), "AmazonSQS.") {
			region := ""
			if m := scopeRegion.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
				region = m[1]
			}
			l.mu.Lock()
			l.calls = append(l.calls, ivsCall{at: time.Now(), op: strings.Trim(r.URL.Path, "/"), region: region})
			l.mu.Unlock()
		}
		next.ServeHTTP(w, r)
	})
}

// between counts calls by "op region" in [from, to).
func (l *callLog) between(from, to time.Time) map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := map[string]int{}
	for _, c := range l.calls {
		if !c.at.Before(from) && c.at.Before(to) {
			out[c.op+" "+c.region]++
		}
	}
	return out
}

// signedIn is a browser of the operator user: the stand-in's sign-in
// cookie for nginx, the identity headers a trusted proxy would set for a
// replica reached directly (nginx replaces them with the stand-in's), and
// one cookie jar, which (like a browser) does not tell ports apart: a
// session made through one replica goes to the others. It does not follow
// redirects.
func signedIn(user string) *http.Client {
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse("http://127.0.0.1/")
	jar.SetCookies(u, []*http.Cookie{{Name: "_oauth2_proxy", Value: user, Path: "/"}})
	return &http.Client{Jar: jar, Timeout: 20 * time.Second, Transport: identity{user},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type identity struct{ user string }

func (i identity) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Forwarded-User", i.user)
	r.Header.Set("X-Forwarded-Email", i.user+"@example.com")
	r.Header.Set("X-Forwarded-Groups", "ivs-ops")
	return haTransport.RoundTrip(r)
}

// haTransport keeps enough idle connections for the viewers.
var haTransport = &http.Transport{MaxIdleConns: 1000, MaxIdleConnsPerHost: 500, IdleConnTimeout: 30 * time.Second}
