package history

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

const transitionColumns = `id, at_us, region, kind, subject, subject_name, stage_arn, session_id, encoder,
	participant_id, from_state, to_state, cause, detail`

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
	eq("region", f.Region)
	eq("subject", f.Subject)
	eq("stage_arn", f.StageARN)
	eq("session_id", f.SessionID)
	if len(f.Kinds) > 0 {
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(f.Kinds)), ", ")
		conds = append(conds, "kind IN ("+marks+")")
		for _, k := range f.Kinds {
			args = append(args, string(k))
		}
	}
	if !f.Since.IsZero() {
		conds = append(conds, "at_us >= ?")
		args = append(args, f.Since.UnixMicro())
	}
	if !f.Until.IsZero() {
		conds = append(conds, "at_us < ?")
		args = append(args, f.Until.UnixMicro())
	}
	if f.Before > 0 {
		conds = append(conds, "id < ?")
		args = append(args, f.Before)
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}

// Query returns matching transitions, newest first (see Store.Query).
// Paging is by id (keyset): pass the last ID of a page as the next
// Filter.Before. Order is the order of recording; Time, the watcher's
// knowledge of when it happened, may disagree by a little.
func (s *sqlStore) Query(ctx context.Context, f Filter) ([]Transition, error) {
	where, args := f.where()
	args = append(args, f.limit())
	rows, err := s.r.QueryContext(ctx,
		s.q("SELECT "+transitionColumns+" FROM history_transitions WHERE "+where+" ORDER BY id DESC LIMIT ?"), args...)
	if err != nil {
		return nil, fmt.Errorf("history: query: %w", err)
	}
	defer rows.Close()
	var out []Transition
	for rows.Next() {
		t, err := scanTransition(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history: query: %w", err)
	}
	return out, nil
}

func scanTransition(rows *sql.Rows) (Transition, error) {
	var (
		t    Transition
		at   int64
		kind string
	)
	if err := rows.Scan(&t.ID, &at, &t.Region, &kind, &t.Subject, &t.SubjectName, &t.StageARN, &t.SessionID,
		&t.Encoder, &t.ParticipantID, &t.From, &t.To, &t.Cause, &t.Detail); err != nil {
		return Transition{}, fmt.Errorf("history: scan: %w", err)
	}
	t.Kind = Kind(kind)
	t.Time = time.UnixMicro(at).UTC()
	return t, nil
}
