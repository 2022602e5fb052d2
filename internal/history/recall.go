package history

import (
	"context"
	"fmt"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// RecallProtection returns the protection each redundant configuration of
// region was last recorded in (the To of its latest KindPair transition),
// by configuration ARN. It has the shape of internal/watch's
// Options.Recall: a restarted watcher compares its first sweep with it, so
// that it neither repeats nor misses a transition. A configuration whose
// transitions were all pruned is absent.
func (s *sqlStore) RecallProtection(ctx context.Context, region ivs.Region) (map[string]ivs.Protection, error) {
	// The row of each subject's highest id (both databases: no SQLite bare
	// column from MAX).
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT t.subject, t.to_state, t.id FROM history_transitions t
		JOIN (SELECT MAX(id) AS id FROM history_transitions WHERE kind = ? AND region = ? GROUP BY subject) m
		ON t.id = m.id`), string(KindPair), string(region))
	if err != nil {
		return nil, fmt.Errorf("history: recall protection in %s: %w", region, err)
	}
	defer rows.Close()
	out := map[string]ivs.Protection{}
	for rows.Next() {
		var (
			subject, to string
			id          int64
		)
		if err := rows.Scan(&subject, &to, &id); err != nil {
			return nil, fmt.Errorf("history: recall protection in %s: %w", region, err)
		}
		out[subject] = ivs.Protection(to)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history: recall protection in %s: %w", region, err)
	}
	return out, nil
}

// RecalledDestination is the last recorded state of a composition
// destination (its latest KindDestination transition).
type RecalledDestination struct {
	State    string // lower-cased API state, as recorded
	StageARN string
	Name     string // the transition's SubjectName
}

// RecallDestinations returns the last recorded state of each composition
// destination of region, by composition ARN + " " + destination id. A new
// leader, or a restarted watcher, compares its first sweep with it, so that
// a destination still failing is not alerted twice and one that recovered
// (or whose composition ended) meanwhile is resolved.
func (s *sqlStore) RecallDestinations(ctx context.Context, region ivs.Region) (map[string]RecalledDestination, error) {
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT t.subject, t.detail, t.to_state, t.stage_arn, t.subject_name FROM history_transitions t
		JOIN (SELECT MAX(id) AS id FROM history_transitions WHERE kind = ? AND region = ? GROUP BY subject, detail) m
		ON t.id = m.id`), string(KindDestination), string(region))
	if err != nil {
		return nil, fmt.Errorf("history: recall destinations in %s: %w", region, err)
	}
	defer rows.Close()
	out := map[string]RecalledDestination{}
	for rows.Next() {
		var subject, detail string
		var d RecalledDestination
		if err := rows.Scan(&subject, &detail, &d.State, &d.StageARN, &d.Name); err != nil {
			return nil, fmt.Errorf("history: recall destinations in %s: %w", region, err)
		}
		out[subject+" "+detail] = d
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history: recall destinations in %s: %w", region, err)
	}
	return out, nil
}
