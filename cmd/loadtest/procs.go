package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is a child process (the emulator or the console) whose stdout we
// read for the "listening" line and whose stderr we keep for diagnosis.
type proc struct {
	name   string
	cmd    *exec.Cmd
	url    string
	stderr *tailBuffer
	done   chan struct{}
}

var urlRE = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`)

// startProc runs bin with args and waits (at most timeout) for a line of
// stdout containing marker and a loopback URL.
func startProc(name, bin string, args []string, marker string, timeout time.Duration) (*proc, error) {
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} // never outlive the harness
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &proc{name: name, cmd: cmd, stderr: &tailBuffer{max: 16 * 1024}, done: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w (run `make build` first)", name, err)
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sent := false
		for sc.Scan() { // bounded by the process's output; ends when it exits
			line := sc.Text()
			if !sent && strings.Contains(line, marker) {
				if u := urlRE.FindString(line); u != "" {
					found <- u
					sent = true
				}
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(p.done) }()
	select {
	case p.url = <-found:
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("%s exited at start: %s", name, p.stderr.String())
	case <-time.After(timeout):
		p.stop()
		return nil, fmt.Errorf("%s did not print %q within %v: %s", name, marker, timeout, p.stderr.String())
	}
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

// stop asks the process to end (SIGTERM), then kills it after 5 s.
func (p *proc) stop() {
	if p == nil {
		return
	}
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tailBuffer) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > t.max {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-t.max:]...)
	}
	return len(b), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}

// memStats is what /proc/<pid>/status says about memory.
type memStats struct {
	RSS, HWM int64 // bytes
}

func readMem(pid int) (memStats, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return memStats{}, err
	}
	return parseStatus(b), nil
}

// parseStatus reads VmRSS and VmHWM (in kB) from /proc/<pid>/status.
func parseStatus(b []byte) memStats {
	var m memStats
	for _, line := range bytes.Split(b, []byte("\n")) {
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		f := strings.Fields(string(v))
		if len(f) == 0 {
			continue
		}
		n, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		switch string(k) {
		case "VmRSS":
			m.RSS = n * 1024
		case "VmHWM":
			m.HWM = n * 1024
		}
	}
	return m
}

// sampleMem polls the process's memory every interval until ctx ends and
// returns the highest RSS seen and the last high-water mark.
func sampleMem(ctx context.Context, pid int, interval time.Duration) (peak memStats) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if m, err := readMem(pid); err == nil {
			peak.RSS = max(peak.RSS, m.RSS)
			peak.HWM = max(peak.HWM, m.HWM)
		}
		select {
		case <-ctx.Done():
			return peak
		case <-t.C:
		}
	}
}

// perfRecord samples the process's CPU with Linux perf for d (Go keeps
// frame pointers, so call graphs work without changing the console).
func perfRecord(ctx context.Context, pid int, d time.Duration, out string) error {
	if _, err := exec.LookPath("perf"); err != nil {
		return fmt.Errorf("perf is not installed (apt-get install linux-perf): %v", err)
	}
	secs := strconv.Itoa(int(d.Seconds()))
	cmd := exec.CommandContext(ctx, "perf", "record", "-F", "499", "-g", "-p", strconv.Itoa(pid), "-o", out, "--", "sleep", secs)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &errb
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("perf record: %v: %s", err, strings.TrimSpace(errb.String()))
	}
	return nil
}

// perfTop is the perf report of the hottest symbols: self time, then
// inclusive time of the console's own code.
func perfTop(file string, n int) (string, error) {
	self, err := exec.Command("perf", "report", "-i", file, "--stdio", "--no-children", "--sort", "symbol", "-g", "none", "--percent-limit", "0.7").Output()
	if err != nil {
		return "", fmt.Errorf("perf report: %v", err)
	}
	children, err := exec.Command("perf", "report", "-i", file, "--stdio", "--children", "--sort", "symbol", "-g", "none", "--percent-limit", "2").Output()
	if err != nil {
		return "", fmt.Errorf("perf report: %v", err)
	}
	var b strings.Builder
	b.WriteString("  self time (top):\n")
	writeTop(&b, self, n, nil)
	b.WriteString("  inclusive time, console and library code (top):\n")
	writeTop(&b, children, n, func(l string) bool {
		return strings.Contains(l, "greenroom") || strings.Contains(l, "templ") || strings.Contains(l, "echo") ||
			strings.Contains(l, "compress") || strings.Contains(l, "aws") || strings.Contains(l, "smithy") ||
			strings.Contains(l, "net/http") || strings.Contains(l, "runtime.gcBgMarkWorker") || strings.Contains(l, "runtime.mallocgc") ||
			strings.Contains(l, "encoding/json") || strings.Contains(l, "prometheus") || strings.Contains(l, "sessions") || strings.Contains(l, "securecookie")
	})
	return b.String(), nil
}

func writeTop(b *strings.Builder, report []byte, n int, keep func(string) bool) {
	count := 0
	for _, line := range strings.Split(string(report), "\n") {
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' || !strings.Contains(t, "%") {
			continue
		}
		if keep != nil && !keep(t) {
			continue
		}
		fmt.Fprintf(b, "    %s\n", strings.Join(strings.Fields(t), " "))
		count++
		if count >= n {
			return
		}
	}
}

// cpuTime is the user+system CPU a process has used so far, from
// /proc/<pid>/stat (clock ticks of 10 ms, USER_HZ on Linux).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	return parseStatCPU(b)
}

func parseStatCPU(b []byte) (time.Duration, error) {
	// The command name may hold spaces and parentheses: fields start after
	// the last ')'. utime and stime are fields 14 and 15 (1-based).
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("unreadable stat")
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short stat")
	}
	u, err1 := strconv.ParseInt(f[11], 10, 64)
	s, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unreadable stat times")
	}
	return time.Duration(u+s) * 10 * time.Millisecond, nil
}
