package audit

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// CSVHeader is the first row of an export.
var CSVHeader = []string{"id", "time", "actor", "role", "region", "resource", "action",
	"outcome", "client_addr", "request_id", "detail"}

// flushEvery bounds how much CSV is buffered before reaching w.
const flushEvery = 256

// Export writes matching events as CSV, oldest first (see Log.Export).
// Rows are read and written one at a time; memory does not grow with the
// number of events.
func (l *sqlLog) Export(ctx context.Context, f Filter, w io.Writer) error {
	where, args := f.where()
	rows, err := l.r.QueryContext(ctx, l.q("SELECT "+columns+" FROM audit_events WHERE "+where+" ORDER BY id"), args...)
	if err != nil {
		return fmt.Errorf("audit: export: %w", err)
	}
	defer rows.Close()

	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return fmt.Errorf("audit: export: %w", err)
	}
	record := make([]string, len(CSVHeader))
	for n := 1; rows.Next(); n++ {
		e, err := scanEvent(rows)
		if err != nil {
			return err
		}
		record[0] = strconv.FormatInt(e.ID, 10)
		record[1] = e.Time.Format(time.RFC3339Nano)
		for i, v := range []string{e.Actor, e.Role, e.Region, e.Resource, e.Action, e.Outcome,
			e.ClientAddr, e.RequestID, e.Detail} {
			record[2+i] = SpreadsheetSafe(v)
		}
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("audit: export: %w", err)
		}
		if n%flushEvery == 0 {
			if cw.Flush(); cw.Error() != nil {
				return fmt.Errorf("audit: export: %w", cw.Error())
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("audit: export: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("audit: export: %w", err)
	}
	return nil
}

// SpreadsheetSafe neutralises a cell that a spreadsheet would evaluate as a
// formula (CSV injection): text starting, after any leading blanks, with
// = + - @ (or their full-width forms), a tab or a carriage return gets a
// leading apostrophe, which spreadsheets show as text. Quoting of commas,
// quotes and newlines is left to encoding/csv.
func SpreadsheetSafe(s string) string {
	if s == "" {
		return s
	}
	if s[0] == '\t' || s[0] == '\r' {
		return "'" + s
	}
	t := strings.TrimLeft(s, " ")
	for _, p := range []string{"=", "+", "-", "@", "＝", "＋", "－", "＠"} {
		if strings.HasPrefix(t, p) {
			return "'" + s
		}
	}
	return s
}
