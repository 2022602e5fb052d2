package web

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

func withAuditLog(t *testing.T, s *testServer) *audit.SQLiteLog {
	t.Helper()
	l, err := audit.OpenSQLite(filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	s.e = New(Deps{IVS: s.fake, Auth: staticAuth{id: identityWith(auth.RoleAdmin)}, Sessions: testStore(), Logger: testLogger(s), Regions: testRegions, AuditLog: l, Audit: s})
	ctx := context.Background()
	t0 := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	for i, e := range []audit.Event{
		{Time: t0, Actor: "ana@example.com", Role: "keyholder", Action: audit.ActionReveal, Resource: "arn:aws:ivs:us-east-1:123456789012:ingest-configuration/aaa", Outcome: "success"},
		{Time: t0.Add(time.Hour), Actor: "bo@example.com", Role: "operator", Action: audit.ActionIngestDelete, Resource: "arn:aws:ivs:us-east-1:123456789012:ingest-configuration/bbb", Outcome: "failure: conflict"},
		{Time: t0.Add(48 * time.Hour), Actor: "ana@example.com", Role: "keyholder", Action: audit.ActionIngestCreate, Resource: "=HYPERLINK(\"x\")", Outcome: "success"},
	} {
		if err := l.Record(ctx, e); err != nil {
			t.Fatal(i, err)
		}
	}
	return l
}

func TestAuditLogIsForAdminsOnly(t *testing.T) {
	for _, role := range []auth.Role{auth.RoleViewer, auth.RoleOperator, auth.RoleKeyholder} {
		s := newTestServer(t, &ivstest.Fake{}, identityWith(role))
		if r := s.get("/audit"); r.Code != http.StatusForbidden {
			t.Errorf("%s: /audit %d", role, r.Code)
		}
		if r := s.get("/audit.csv"); r.Code != http.StatusForbidden {
			t.Errorf("%s: /audit.csv %d", role, r.Code)
		}
	}
}

func TestAuditLogBrowseFilterAndExport(t *testing.T) {
	s := newTestServer(t, &ivstest.Fake{}, identityWith(auth.RoleAdmin))
	withAuditLog(t, s)
	d := s.get("/audit").doc(t)
	if got := d.Find("tbody tr").Length(); got != 3 {
		t.Fatalf("rows = %d, want 3", got)
	}
	if !strings.Contains(d.Find("tbody tr").First().Text(), "ingest.create") {
		t.Error("newest first")
	}
	if d.Find("tbody tr.row-error").Length() != 1 {
		t.Error("failures are not highlighted")
	}
	for q, want := range map[string]int{"actor=ana@example.com": 2, "outcome=failure": 1, "action=ingest.reveal": 1, "from=2026-11-21": 1, "to=2026-11-20": 2} {
		if got := s.get("/audit?" + q).doc(t).Find("tbody tr").Length(); got != want {
			t.Errorf("%s: %d rows, want %d", q, got, want)
		}
	}
	r := s.get("/audit?from=yesterday")
	if r.Code != http.StatusBadRequest || !strings.Contains(r.body, "YYYY-MM-DD") {
		t.Errorf("bad date: %d", r.Code)
	}
	csv := s.get("/audit.csv?actor=ana@example.com")
	if csv.Code != http.StatusOK || csv.Header().Get("Cache-Control") != "no-store" || !strings.Contains(csv.Header().Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %v", csv.Code, csv.Header())
	}
	lines := strings.Split(strings.TrimSpace(csv.body), "\n")
	if len(lines) != 3 {
		t.Fatalf("export lines = %d, want header + 2:\n%s", len(lines), csv.body)
	}
	if strings.Contains(csv.body, ",=HYPERLINK") || !strings.Contains(csv.body, "'=HYPERLINK") {
		t.Error("a formula in a cell is not neutralised")
	}
}

// The export link is a download: the page's boosted navigation (hx-boost on
// the body) must not fetch it and swap the CSV into the page.
func TestAuditLogExportLinkDownloadsInsteadOfSwapping(t *testing.T) {
	s := newTestServer(t, &ivstest.Fake{}, identityWith(auth.RoleAdmin))
	withAuditLog(t, s)
	d := s.get("/audit?actor=ana@example.com").doc(t)
	link := d.Find(`a:contains("Export CSV")`)
	if link.Length() != 1 {
		t.Fatal("no export link")
	}
	if href, _ := link.Attr("href"); href != "/audit.csv?actor=ana%40example.com" {
		t.Errorf("export href %q: the filter without the page position", href)
	}
	if boost, _ := link.Attr("hx-boost"); boost != "false" {
		t.Errorf("export link hx-boost=%q: htmx would swap the CSV into the page", boost)
	}
	if _, ok := link.Attr("download"); !ok {
		t.Error("the export link is not marked as a download")
	}
}
