package audit

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/pgtest"
)

const helperEnv = "GREENROOM_AUDIT_HELPER_DB"

// TestHelperProcess is not a real test: run as a child by
// TestDurableAcrossSIGKILL, it records events in a burst and prints the id
// of each one as soon as Record has returned.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	l, err := OpenSQLite(path)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	ctx := context.Background()
	for i := range 100_000 { // bounded; the parent kills us long before
		e, err := l.Append(ctx, Event{Actor: "burst@example.com", Action: ActionIngestUpdate,
			Outcome: OutcomeSuccess, RequestID: "req-" + strconv.Itoa(i)})
		if err != nil {
			fmt.Println("record:", err)
			os.Exit(2)
		}
		fmt.Printf("ack %d %s\n", e.ID, e.RequestID) // os.Stdout is unbuffered
	}
	os.Exit(0)
}

func TestDurableAcrossSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	path := filepath.Join(t.TempDir(), "audit.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()

	acked := map[int64]string{}
	sc := bufio.NewScanner(out)
	const killAfter = 300
	timeout := time.AfterFunc(60*time.Second, func() { _ = cmd.Process.Kill() })
	defer timeout.Stop()
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) != 3 || f[0] != "ack" {
			if strings.HasPrefix(line, "open:") || strings.HasPrefix(line, "record:") {
				t.Fatalf("child: %s", line)
			}
			continue
		}
		id, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			t.Fatalf("bad line %q", line)
		}
		acked[id] = f[2]
		if len(acked) == killAfter && !killed {
			// Mid-burst: the child is between (or inside) Records right now.
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("child ended before it was killed (%d acks): %v", len(acked), err)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed by SIGKILL: %v", cmd.ProcessState)
	}

	l, err := OpenSQLite(path)
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer l.Close()
	stored := map[int64]string{}
	f := Filter{Limit: MaxLimit}
	for {
		events, next, err := l.Query(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			stored[e.ID] = e.RequestID
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	for id, req := range acked {
		if stored[id] != req {
			t.Errorf("acknowledged event %d (%s) lost after SIGKILL", id, req)
		}
	}
	t.Logf("%d events acknowledged, %d stored after SIGKILL", len(acked), len(stored))
}

// TestPostgresDurableAcrossServerCrash records a burst of events, crashes
// the server in the middle of it (immediate shutdown: no checkpoint), and
// checks after recovery that every event whose Record returned nil is
// there.
func TestPostgresDurableAcrossServerCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("crashes a PostgreSQL server")
	}
	c := pgtest.StartCluster(t)
	url, err := c.CreateDatabase("audit")
	if err != nil {
		t.Fatal(err)
	}
	l := openPostgres(t, url)
	ctx := context.Background()
	acked := map[int64]string{}
	crashed := make(chan error, 1)
	var burstErr error
	for i := range 100_000 { // bounded; the crash ends it long before
		e, err := l.Append(ctx, Event{Actor: "burst@example.com", Action: ActionIngestUpdate,
			Outcome: OutcomeSuccess, RequestID: "req-" + strconv.Itoa(i)})
		if err != nil {
			burstErr = err
			break
		}
		acked[e.ID] = e.RequestID
		if len(acked) == 300 {
			go func() { crashed <- c.Kill() }() // while we go on recording
		}
	}
	if err := <-crashed; err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	stored := map[int64]string{}
	l2 := openPostgres(t, url)
	f := Filter{Limit: MaxLimit}
	for {
		events, next, err := l2.Query(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			stored[e.ID] = e.RequestID
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	for id, req := range acked {
		if stored[id] != req {
			t.Errorf("acknowledged event %d (%s) lost in the crash", id, req)
		}
	}
	if burstErr == nil {
		t.Error("the burst ended without the crash interrupting it")
	}
	t.Logf("%d events acknowledged, %d stored after the crash", len(acked), len(stored))
}
