// Package pgtest gives tests a real, throwaway PostgreSQL server made from
// the Debian package's binaries: no mocks, no shared server, nothing left
// behind. NewDatabase hands each test a fresh database of one cluster per
// test binary (stop it with Main in TestMain); StartCluster gives a test a
// cluster of its own that it may stop, kill and start again.
//
// Without the binaries, or when a cluster cannot start, tests skip with the
// reason, unless GREENROOM_TEST_REQUIRE_SERVERS=1 (make test), where they
// fail.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Cluster is one PostgreSQL server with its own data directory. Its
// methods are safe for concurrent use.
type Cluster struct {
	dir, bin string
	port     int
	cred     *syscall.Credential // the postgres user's, when we are root

	mu     sync.Mutex
	cmd    *exec.Cmd  // the running postmaster; nil when stopped
	exited chan error // receives cmd's exit
}

// startTimeout bounds initdb and a server's start.
const startTimeout = 60 * time.Second

// newCluster runs initdb in a new temporary directory and starts the
// server on a free loopback port.
func newCluster() (*Cluster, error) {
	bin := os.Getenv("GREENROOM_TEST_PG_BIN")
	if bin == "" {
		bin = "/usr/lib/postgresql/15/bin"
	}
	for _, name := range []string{"initdb", "postgres"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err != nil {
			return nil, fmt.Errorf("no PostgreSQL server binaries (set GREENROOM_TEST_PG_BIN): %w", err)
		}
	}
	dir, err := os.MkdirTemp("", "greenroom-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{dir: dir, bin: bin}
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root: run them as the user
		// the Debian package creates, owning the directory.
		if c.cred, err = postgresUser(); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		if err := os.Chown(dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	initdb := c.command(filepath.Join(bin, "initdb"), "-D", c.data(), "-U", "postgres",
		"--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, lastLines(string(out), 10))
	}
	// A port found free may be taken before the server binds it: retry.
	for range 3 {
		if c.port, err = freePort(); err != nil {
			break
		}
		if err = c.Start(); err == nil {
			return c, nil
		}
	}
	os.RemoveAll(dir)
	return nil, err
}

func postgresUser() (*syscall.Credential, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root and no user postgres to run the server as: %w", err)
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
}

// command runs a server binary as the cluster's user (set directly rather
// than through runuser, so that signals and Pdeathsig reach the server
// itself). Pdeathsig ends the server (SIGQUIT: immediate shutdown) if the
// test binary dies without stopping it, on a panic or a SIGKILL; its
// temporary directory is then left behind.
func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = c.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: c.cred, Pdeathsig: syscall.SIGQUIT}
	return cmd
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }
func (c *Cluster) log() string  { return filepath.Join(c.dir, "server.log") }

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// URL is the postgres:// URL of database dbname on the cluster.
func (c *Cluster) URL(dbname string) string {
	u := url.URL{Scheme: "postgres", User: url.User("postgres"), Host: "127.0.0.1:" + strconv.Itoa(c.port),
		Path: "/" + dbname, RawQuery: "sslmode=disable"}
	return u.String()
}

// Start starts the server (again) on its port and waits until it accepts
// connections. Starting a running cluster does nothing.
func (c *Cluster) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd != nil {
		return nil
	}
	logf, err := os.OpenFile(c.log(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o666)
	if err != nil {
		return err
	}
	defer logf.Close()
	if c.cred != nil {
		_ = logf.Chown(int(c.cred.Uid), int(c.cred.Gid))
	}
	// Speed over safety: the data is thrown away. The socket lives in our
	// directory, not /var/run/postgresql.
	cmd := c.command(filepath.Join(c.bin, "postgres"), "-D", c.data(), "-p", strconv.Itoa(c.port),
		"-k", c.dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off",
		"-c", "max_connections=300", "-c", "shared_buffers=32MB")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(startTimeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		cancel()
		if err == nil {
			conn.Close(context.Background())
			break
		}
		select {
		case werr := <-exited:
			return fmt.Errorf("postgres exited (%v): %s", werr, c.logTail())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Signal(syscall.SIGQUIT)
			<-exited
			return fmt.Errorf("postgres did not accept connections within %v: %s", startTimeout, c.logTail())
		}
	}
	c.cmd, c.exited = cmd, exited
	return nil
}

// Stop shuts the server down cleanly (fast shutdown: sessions are ended,
// a checkpoint is written) and waits for it.
func (c *Cluster) Stop() error { return c.signal(syscall.SIGINT) }

// Kill shuts the server down as a crash would (immediate shutdown: no
// checkpoint; the next Start recovers from the WAL) and waits for it.
func (c *Cluster) Kill() error { return c.signal(syscall.SIGQUIT) }

func (c *Cluster) signal(sig syscall.Signal) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd == nil {
		return nil
	}
	if err := c.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-c.exited:
		c.cmd = nil
		return nil
	case <-time.After(startTimeout):
		return fmt.Errorf("postgres did not stop within %v: %s", startTimeout, c.logTail())
	}
}

// remove stops the server and deletes its directory.
func (c *Cluster) remove() error {
	err := c.Stop()
	return errors.Join(err, os.RemoveAll(c.dir))
}

func (c *Cluster) logTail() string {
	b, _ := os.ReadFile(c.log())
	return lastLines(string(b), 10)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
