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
