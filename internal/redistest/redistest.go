// Package redistest starts throwaway redis-server processes for tests: one
// per call, on a free loopback port, with a temporary directory and no
// persistence. A test can stop a server and start it again on the same port
// to see how its code lives through Redis going away and coming back.
//
// Without the redis-server binary (Debian's redis-server package: `make
// test` installs it), tests are skipped with the reason, or fail when the
// environment variable GREENROOM_TEST_REQUIRE_SERVERS is 1 (as in CI).
package redistest

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Binary is the redis-server the tests run; the PATH is searched when it is
// not there.
var Binary = "/usr/bin/redis-server"

// RequireEnv is the variable that turns a missing server into a failure.
const RequireEnv = "GREENROOM_TEST_REQUIRE_SERVERS"

// Server is one redis-server process.
type Server struct {
	// Addr is the server's host:port on loopback; it stays the same across
	// Stop and Start.
	Addr string

	t    testing.TB
	bin  string
	dir  string
	args []string

	mu  sync.Mutex
	cmd *exec.Cmd
	out *bytes.Buffer
}

// New starts a server that stops when the test ends. Extra arguments go to
// redis-server (e.g. "--requirepass", "secret").
func New(t testing.TB, args ...string) *Server {
	t.Helper()
	bin := binary(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("redistest: no free loopback port: %v", err)
	}
	addr := l.Addr().String()
	l.Close()
	s := &Server{Addr: addr, t: t, bin: bin, dir: t.TempDir(), args: args}
	t.Cleanup(s.Stop)
	s.Start()
	return s
}

// binary finds redis-server, or skips (fails when required) with the reason.
func binary(t testing.TB) string {
	t.Helper()
	bin := Binary
	if _, err := os.Stat(bin); err != nil {
		p, lerr := exec.LookPath("redis-server")
		if lerr != nil {
			reason := fmt.Sprintf("redistest: redis-server not found (%s: %v; not on PATH either): install Debian's redis-server package (make deps-system)", bin, err)
			if os.Getenv(RequireEnv) == "1" {
				t.Fatal(reason + "; " + RequireEnv + "=1 requires it")
			}
			t.Skip(reason)
		}
		bin = p
	}
	return bin
}

// URL is the server's redis:// URL (database 0, no password).
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// Port is the server's TCP port.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr)
	n, _ := strconv.Atoi(p)
	return n
}

// Start starts the server (again) on its port and waits until it answers
// PING. It does nothing when the server runs.
func (s *Server) Start() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return
	}
	args := append([]string{
		"--port", strconv.Itoa(s.Port()), "--bind", "127.0.0.1",
		"--dir", s.dir, "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--logfile", "", "--protected-mode", "yes",
	}, s.args...)
	cmd := exec.Command(s.bin, args...)
	out := &bytes.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		s.t.Fatalf("redistest: starting %s: %v", s.bin, err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ping(s.Addr) {
			s.cmd, s.out = cmd, out
			return
		}
		select {
		case <-exited:
			s.t.Fatalf("redistest: redis-server exited at start: %s", out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			s.t.Fatalf("redistest: redis-server did not answer on %s within 10s: %s", s.Addr, out.String())
		}
	}
}

// Stop kills the server (as a crash would; there is nothing to persist) and
// waits until it is gone. It does nothing when the server is stopped.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGCONT) // a paused server dies too
	s.cmd.Process.Kill()
	// Start's goroutine reaps the process; wait until the port is closed.
	for range 500 {
		c, err := net.DialTimeout("tcp", s.Addr, 50*time.Millisecond)
		if err != nil {
			break
		}
		c.Close()
		time.Sleep(10 * time.Millisecond)
	}
	s.cmd = nil
}

// ping says whether a Redis answers PING at addr. A server that wants a
// password answers NOAUTH, which is an answer too.
func ping(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return false
	}
	return line == "+PONG\r\n" || bytes.HasPrefix([]byte(line), []byte("-NOAUTH"))
}

// Pause freezes the server (SIGSTOP): connections and commands hang, as
// with a server that is overloaded or cut off by the network, until Resume.
func (s *Server) Pause() { s.signal(syscall.SIGSTOP) }

// Resume thaws a paused server (SIGCONT).
func (s *Server) Resume() { s.signal(syscall.SIGCONT) }

func (s *Server) signal(sig os.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		s.cmd.Process.Signal(sig)
	}
}
