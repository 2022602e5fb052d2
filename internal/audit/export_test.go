package audit

import (
	"bytes"
	"context"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSpreadsheetSafe(t *testing.T) {
	tests := map[string]string{
		"":                     "",
		"ann@example.com":      "ann@example.com",
		"=1+2":                 "'=1+2",
		"+SUM(A1)":             "'+SUM(A1)",
		"-2+3":                 "'-2+3",
		"@SUM(A1)":             "'@SUM(A1)",
		"  =HYPERLINK(\"x\")":  "'  =HYPERLINK(\"x\")",
		"\t=1":                 "'\t=1",
		"\r=1":                 "'\r=1",
		"＝1+1":                 "'＝1+1",
		"a=b":                  "a=b",
		"failure: conflict":    "failure: conflict",
		"2026-01-01T00:00:00Z": "2026-01-01T00:00:00Z",
	}
	for in, want := range tests {
		if got := SpreadsheetSafe(in); got != want {
			t.Errorf("SpreadsheetSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestExportCSV(t *testing.T) {
	both(t, func(t *testing.T, l store, _ func() store) {
		at := time.Date(2026, 2, 3, 4, 5, 6, 7000, time.UTC)
		tricky := []Event{
			{Time: at, Actor: "ann@example.com", Role: "operator", Region: "eu-west-1", Resource: "arn:a,b", Action: ActionIngestUpdate,
				Outcome: OutcomeSuccess, ClientAddr: "10.0.0.1", RequestID: "r1", Detail: "name \"main\", line1\nline2"},
			{Time: at.Add(time.Second), Actor: "=cmd|' /C calc'!A0", Action: ActionReveal, Outcome: Failure("forbidden"),
				Detail: "+1", Resource: "-x", RequestID: "@y"},
			{Time: at.Add(2 * time.Second), Actor: "bob", Action: ActionIngestDelete, Outcome: OutcomeSuccess, Detail: "\t=2"},
		}
		for _, e := range tricky {
			mustRecord(t, l, e)
		}
		var buf bytes.Buffer
		if err := l.Export(context.Background(), Filter{}, &buf); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		if err != nil {
			t.Fatalf("export is not valid CSV: %v\n%s", err, buf.String())
		}
		if len(recs) != 4 || strings.Join(recs[0], ",") != strings.Join(CSVHeader, ",") {
			t.Fatalf("records = %q", recs)
		}
		row := recs[1] // oldest first
		if row[0] != "1" || row[1] != "2026-02-03T04:05:06.000007Z" || row[5] != "arn:a,b" || row[10] != "name \"main\", line1\nline2" {
			t.Errorf("row 1 = %q", row)
		}
		row = recs[2]
		if row[2] != "'=cmd|' /C calc'!A0" || row[10] != "'+1" || row[5] != "'-x" || row[9] != "'@y" || row[7] != "failure: forbidden" {
			t.Errorf("row 2 not neutralised: %q", row)
		}
		if recs[3][10] != "'\t=2" {
			t.Errorf("row 3 = %q", recs[3])
		}

		// Filters apply; paging fields do not.
		buf.Reset()
		if err := l.Export(context.Background(), Filter{Actor: "bob", Limit: 1, Cursor: "ignored"}, &buf); err != nil {
			t.Fatal(err)
		}
		if recs, _ := csv.NewReader(&buf).ReadAll(); len(recs) != 2 || recs[1][2] != "bob" {
			t.Errorf("filtered export = %q", recs)
		}
	})
}

// countingWriter records how the export reached it.
type countingWriter struct {
	writes, bytes, maxWrite int
}

func (w *countingWriter) Write(p []byte) (int, error) {
	w.writes++
	w.bytes += len(p)
	w.maxWrite = max(w.maxWrite, len(p))
	return len(p), nil
}

func TestExportStreams(t *testing.T) {
	both(t, func(t *testing.T, l store, _ func() store) {
		// Insert in one transaction: this test is about reading, not fsyncs.
		tx, err := l.core().w.Begin()
		if err != nil {
			t.Fatal(err)
		}
		const n = 5000
		for i := range n {
			if _, err := tx.Exec(l.core().q(`INSERT INTO audit_events (at_us, actor, action, outcome, detail) VALUES (?, ?, ?, ?, ?)`),
				int64(i), "a", ActionReveal, OutcomeSuccess, strings.Repeat("d", 100)+strconv.Itoa(i)); err != nil {
				t.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		var w countingWriter
		if err := l.Export(context.Background(), Filter{}, &w); err != nil {
			t.Fatal(err)
		}
		// Written in many bounded pieces, not one buffer of everything.
		if w.writes < n/flushEvery || w.maxWrite > 64<<10 {
			t.Errorf("export wrote %d bytes in %d writes (largest %d): not streamed", w.bytes, w.writes, w.maxWrite)
		}
		allocs := testing.AllocsPerRun(1, func() { _ = l.Export(context.Background(), Filter{}, &countingWriter{}) })
		t.Logf("export of %d events: %d bytes, %d writes, %.0f allocs", n, w.bytes, w.writes, allocs)

		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := l.Export(ctx, Filter{}, &countingWriter{}); err == nil {
			t.Error("export with cancelled context succeeded")
		}
	})
}
