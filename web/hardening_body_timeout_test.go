package web

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// serveTCP serves e's own http.Server (timeouts included) on a loopback
// port, as cmd/greenroom does.
func serveTCP(t *testing.T, e *echo.Echo) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.Server.Handler = e
	go func() { _ = e.Server.Serve(ln) }()
	t.Cleanup(func() { _ = e.Server.Close() })
	return ln.Addr().String()
}

// slowPost opens a connection, sends the headers of a POST declaring a
// 100 KB body and then one byte every interval, and returns how long the
// server kept the connection open (or limit, if it still was).
func slowPost(t *testing.T, addr, path string, hdr map[string]string, interval, limit time.Duration) time.Duration {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Error(err)
		return 0
	}
	defer conn.Close()
	start := time.Now()
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n", path, addr)
	for k, v := range hdr {
		head += k + ": " + v + "\r\n"
	}
	if _, err := io.WriteString(conn, head+"\r\n"); err != nil {
		t.Error(err)
		return 0
	}
	closed := make(chan struct{})
	go func() {
		// Whatever the server answers, read until it closes the connection.
		_, _ = io.Copy(io.Discard, bufio.NewReader(conn))
		close(closed)
	}()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-closed:
			return time.Since(start)
		case <-tick.C:
			if time.Since(start) > limit {
				return limit
			}
			_, _ = conn.Write([]byte("a"))
		}
	}
}

// No body read timeout: POSTs that declared 100 KB and sent a byte every
// few seconds stayed open indefinitely, authenticated or not. Here with a
// 1 s read timeout (cmd/greenroom tests the default over a real console).
func TestBodyReadTimeoutClosesSlowBodies(t *testing.T) {
	authn, err := auth.New(auth.Config{Mode: auth.ModeProxy, RoleMap: matrixRoles, TrustedNetworks: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}})
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, matrixFake(), auth.Identity{}).withDeps(authn, func(d *Deps) { d.ReadTimeout = time.Second })
	addr := serveTCP(t, s.e)
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		hdr := map[string]string{}
		if i%2 == 0 { // half of them signed in as an operator
			hdr = as("olga", "g-operator")
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if open := slowPost(t, addr, "/r/us-east-1/ingest-configurations", hdr, 200*time.Millisecond, 5*time.Second); open > 2500*time.Millisecond {
				t.Errorf("a slow body (signed in: %v) kept its connection %v, want about 1 s", len(hdr) > 0, open)
			}
		}()
	}
	wg.Wait()
	if n := s.fake.TotalCalls(); n != 0 {
		t.Errorf("%d IVS calls from bodies that never arrived", n)
	}
}

func TestBodyReadTimeoutServerSettings(t *testing.T) {
	e := New(Deps{IVS: matrixFake(), Auth: staticAuth{}, Sessions: testStore(), Regions: testRegions})
	srv := e.Server
	if srv.ReadTimeout <= 0 || srv.ReadTimeout > 30*time.Second {
		t.Errorf("ReadTimeout %v: want a bound on reading a whole request, well under the 40 s the attack held", srv.ReadTimeout)
	}
	if srv.ReadHeaderTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 {
		t.Errorf("timeouts: header %v, write %v, idle %v", srv.ReadHeaderTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
}

// The CSV exports stream for as long as the data lasts: they must outlive
// the server's write timeout, while a page does not.
func TestBodyReadTimeoutLetsCSVStreamsFinish(t *testing.T) {
	w := newBrowseWorld(602) // 7 pages of participants
	fake := browseFake(w)
	fake.ListParticipantsFn = func(ctx context.Context, r ivs.Region, q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
		time.Sleep(150 * time.Millisecond) // a slow IVS: the export takes about 1 s
		return fake.ParticipantsPage(q)
	}
	fake.ListStagesFn = func(ctx context.Context, r ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
		time.Sleep(800 * time.Millisecond)
		return ivs.Page[ivs.Stage]{}, nil
	}
	s := newTestServer(t, fake, identityWith(auth.RoleAdmin)).withDeps(staticAuth{id: identityWith(auth.RoleAdmin)}, func(d *Deps) {
		d.WriteTimeout = 400 * time.Millisecond
		d.StreamWriteTimeout = 400 * time.Millisecond
	})
	base := "http://" + serveTCP(t, s.e)
	client := &http.Client{Timeout: 20 * time.Second}

	start := time.Now()
	resp, err := client.Get(base + bSessPath + "/participants.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(resp.Body).ReadAll()
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("export: %d, %v", resp.StatusCode, err)
	}
	if took := time.Since(start); took < 800*time.Millisecond {
		t.Fatalf("the export took %v: not longer than the write timeout, the test proves nothing", took)
	}
	if len(recs) != 603 || recs[len(recs)-1][0] == "#ERROR" {
		t.Errorf("export of 602 participants: %d records, last %v", len(recs), recs[len(recs)-1])
	}

	// The audit export streams the same way.
	resp, err = client.Get(base + "/audit.csv")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	// A page that takes longer than the write timeout is cut off: the
	// deadline is real, the CSV streams are the exception.
	if resp, err := client.Get(base + "/r/us-east-1/stages"); err == nil {
		body, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if rerr == nil && resp.StatusCode == http.StatusOK {
			t.Errorf("a page past the write timeout arrived whole (%d bytes)", len(body))
		}
	}
}
