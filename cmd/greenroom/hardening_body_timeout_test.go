package main

import (
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// No body read timeout, as the attack went: six POSTs declaring 100 KB and
// sending a byte every 3 s, three of them unauthenticated, stayed open past
// 40 s. With the console's default settings they are cut off at the read
// timeout (20 s).
func TestBodyReadTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("takes the default read timeout, 20 s")
	}
	t.Parallel()
	base, _ := startConsoleOutput(t, "-auth", "proxy", "-trusted-proxies", "127.0.0.1/32",
		"-session-keys", testSessionKey, "-role-map", "ivs-ops=operator")
	addr := strings.TrimPrefix(base, "http://")
	const limit = 40 * time.Second
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		identity := ""
		if i%2 == 0 {
			identity = "X-Forwarded-User: olga\r\nX-Forwarded-Email: olga@example.com\r\nX-Forwarded-Groups: ivs-ops\r\n"
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			start := time.Now()
			fmt.Fprintf(conn, "POST /r/us-east-1/ingest-configurations HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n%s\r\n", addr, identity)
			closed := make(chan struct{})
			go func() { _, _ = io.Copy(io.Discard, conn); close(closed) }()
			tick := time.NewTicker(3 * time.Second)
			defer tick.Stop()
			for {
				select {
				case <-closed:
					if open := time.Since(start); open > 26*time.Second {
						t.Errorf("slow body (signed in: %v) held its connection %v", identity != "", open)
					}
					return
				case <-tick.C:
					if time.Since(start) > limit {
						t.Errorf("slow body (signed in: %v) still open after %v", identity != "", limit)
						return
					}
					_, _ = conn.Write([]byte("a"))
				}
			}
		}()
	}
	wg.Wait()
}
