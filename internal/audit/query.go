package audit

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
)

const columns = `id, at_us, actor, role, region, resource, action, outcome, client_addr, request_id, detail`

// where renders the filter's conditions (without paging) and arguments.
func (f Filter) where() (string, []any) {
	var (
		conds []string
		args  []any
	)
	eq := func(col, v string) {
		if v != "" {
			conds = append(conds, col+" = ?")
			args = append(args, v)
		}
	}
	eq("actor", f.Actor)
	eq("action", f.Action)
	eq("resource", f.Resource)
	eq("region", f.Region)
	switch f.Outcome {
	case "":
	case outcomeFailure:
		// Any failure: "failure" or "failure: <reason>". substr, not LIKE, so
		// no pattern characters are involved.
		conds = append(conds, "substr(outcome, 1, 7) = 'failure'")
	default:
		eq("outcome", f.Outcome)
	}
	if !f.Since.IsZero() {
		conds = append(conds, "at_us >= ?")
		args = append(args, f.Since.UnixMicro())
	}
	if !f.Until.IsZero() {
		conds = append(conds, "at_us < ?")
		args = append(args, f.Until.UnixMicro())
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}

// Query returns a page of events, newest first (see Log.Query). Paging is
// by id (keyset), so pages stay stable while new events arrive.
func (l *sqlLog) Query(ctx context.Context, f Filter) ([]Event, string, error) {
	where, args := f.where()
	if f.Cursor != "" {
		before, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where += " AND id < ?"
		args = append(args, before)
	}
	limit := f.limit()
	args = append(args, limit+1) // one more tells whether there is a next page
	rows, err := l.r.QueryContext(ctx,
		l.q("SELECT "+columns+" FROM audit_events WHERE "+where+" ORDER BY id DESC LIMIT ?"), args...)
	if err != nil {
		return nil, "", fmt.Errorf("audit: query: %w", err)
	}
	defer rows.Close()
	var events []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, "", err
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("audit: query: %w", err)
	}
	next := ""
	if len(events) > limit {
		events = events[:limit]
		next = encodeCursor(events[limit-1].ID)
	}
	return events, next, nil
}

func scanEvent(rows *sql.Rows) (Event, error) {
	var (
		e  Event
		at int64
	)
	if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Role, &e.Region, &e.Resource, &e.Action,
		&e.Outcome, &e.ClientAddr, &e.RequestID, &e.Detail); err != nil {
		return Event{}, fmt.Errorf("audit: scan: %w", err)
	}
	e.Time = time.UnixMicro(at).UTC()
	return e, nil
}

// Cursors are opaque to callers; versioned so the format can change.
const cursorPrefix = "v1."

func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(id, 10)))
}

func decodeCursor(s string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(b), cursorPrefix) {
		return 0, ErrBadCursor
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(string(b), cursorPrefix), 10, 64)
	if err != nil || id <= 0 {
		return 0, ErrBadCursor
	}
	return id, nil
}
