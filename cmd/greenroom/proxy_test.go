package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// nginxBinary is where Debian's nginx lives; `make test` installs it.
const nginxBinary = "/usr/sbin/nginx"

// TestBehindNginxAndOAuth2Proxy runs the console in proxy mode behind nginx
// configured exactly as docs/deploy.md says, with a stand-in for
// oauth2-proxy's auth endpoint, so the documented set-up is proven to work.
func TestBehindNginxAndOAuth2Proxy(t *testing.T) {
	if _, err := os.Stat(nginxBinary); err != nil {
		t.Fatalf("nginx is needed for this test: apt-get install nginx-light (make test does it): %v", err)
	}
	// oauth2-proxy stand-in: the cookie names the signed-in user.
	oauth := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/oauth2/auth":
			c, err := r.Cookie("_oauth2_proxy")
			if err != nil {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.Header().Set("X-Auth-Request-User", c.Value)
			w.Header().Set("X-Auth-Request-Email", c.Value+"@example.com")
			w.Header().Set("X-Auth-Request-Groups", "ivs-ops,staff")
			w.WriteHeader(http.StatusAccepted)
		case "/oauth2/sign_in":
			fmt.Fprint(w, "oauth2-proxy sign in page")
		default:
			http.NotFound(w, r)
		}
	}))
	defer oauth.Close()

	console := startConsole(t, "", "-auth", "proxy", "-trusted-proxies", "127.0.0.1/32",
		"-session-keys", testSessionKey, "-role-map", "ivs-ops=operator,ivs-admins=admin,staff=viewer", "-backend", "emulator")
	base := startNginx(t, oauth.URL, console)

	get := func(path string, hdr map[string]string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}

	if _, body := get("/r/us-east-1/stages", nil); !strings.Contains(body, "oauth2-proxy sign in page") {
		t.Errorf("without a session nginx should show the sign-in page, got %.200q", body)
	}
	status, body := get("/r/us-east-1/stages", map[string]string{"Cookie": "_oauth2_proxy=alice"})
	if status != http.StatusOK || !strings.Contains(body, "alice@example.com") || !strings.Contains(body, "operator") {
		t.Fatalf("signed in through nginx: %d %.300q", status, body)
	}
	// A client cannot add groups: nginx replaces X-Forwarded-Groups, and
	// other header families are not read.
	forged := map[string]string{"Cookie": "_oauth2_proxy=alice", "X-Forwarded-Groups": "ivs-admins", "Remote-Groups": "ivs-admins", "Remote-User": "mallory"}
	if status, _ := get("/audit", forged); status != http.StatusForbidden {
		t.Errorf("forged admin group through nginx: %d, want 403", status)
	}
	if _, body := get("/r/us-east-1/stages", forged); !strings.Contains(body, "alice@example.com") || strings.Contains(body, "mallory") {
		t.Error("a forged identity header reached the console")
	}
}

// startNginx runs nginx with the documented server block in front of the
// console and the oauth2-proxy stand-in, and returns its base URL.
func startNginx(t *testing.T, oauthURL, consoleURL string) string {
	t.Helper()
	port := freePort(t)
	return runNginx(t, port, nginxConfig(t, port, strings.TrimPrefix(oauthURL, "http://"), strings.TrimPrefix(consoleURL, "http://")))
}

// runNginx runs nginx with conf as its http block (listening on port) until
// the test ends, and returns its base URL.
func runNginx(t *testing.T, port int, conf string) string {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "nginx.conf")
	full := fmt.Sprintf("daemon off;\nworker_processes 1;\npid %s/nginx.pid;\nerror_log %s/error.log;\nevents { worker_connections 2048; }\nhttp {\naccess_log off;\nclient_body_temp_path %[1]s; proxy_temp_path %[1]s; fastcgi_temp_path %[1]s; uwsgi_temp_path %[1]s; scgi_temp_path %[1]s;\n%[3]s\n}\n", dir, dir, conf)
	if err := os.WriteFile(path, []byte(full), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(nginxBinary, "-c", path, "-p", dir)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group, so the workers go with the master.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); _ = cmd.Wait() })
	waitListening(t, port, out)
	return fmt.Sprintf("http://127.0.0.1:%d", port)
}

var nginxBlock = regexp.MustCompile("(?s)## oauth2-proxy \\+ nginx.*?```nginx\n(.*?)```")

// nginxConfig takes the server block from docs/deploy.md and points it at
// the test's ports.
func nginxConfig(t *testing.T, port int, oauth, console string) string {
	t.Helper()
	doc, err := os.ReadFile("../../docs/deploy.md")
	if err != nil {
		t.Fatal(err)
	}
	m := nginxBlock.FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/deploy.md has no nginx example under its oauth2-proxy + nginx heading")
	}
	conf := string(m[1])
	conf = strings.Replace(conf, "listen 443 ssl;", fmt.Sprintf("listen 127.0.0.1:%d;", port), 1)
	conf = strings.ReplaceAll(conf, "127.0.0.1:4180", oauth)
	conf = strings.ReplaceAll(conf, "127.0.0.1:8080", console)
	return conf
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitListening(t *testing.T, port int, out *syncBuffer) {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return
		}
	}
	t.Fatalf("nginx did not start: %s", out.String())
}
