package history

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

const (
	// sampleFlushDelay is how long a sample may wait in memory: a crash
	// loses at most this much of a chart, never a transition.
	sampleFlushDelay = time.Second
	// sampleBatch queued samples are written at once by the caller of
	// AddSample that queues the last of them.
	sampleBatch = 500
	// maxQueuedSamples bounds memory while the disk refuses writes; the
	// oldest queued samples are dropped beyond it.
	maxQueuedSamples = 20 * sampleBatch
	// maxSamples bounds one Samples answer (the newest are kept): a sample a
	// minute for two weeks.
	maxSamples = 20_000
)

// AddSample queues a chart point (see Store.AddSample). It costs a lock and
// an append: queued samples are written in one transaction a second after
// the first of them, or at once by the call that queues the 500th, and
// before Samples and Close read or close. Time is filled in if zero. An
// error from a full batch means it could not be written yet: the samples
// stay queued.
func (s *sqlStore) AddSample(ctx context.Context, smp Sample) error {
	if smp.StageARN == "" || smp.Connected < 0 || smp.Publishers < 0 {
		return fmt.Errorf("%w: a stage and non-negative counts are required", ErrInvalidSample)
	}
	if smp.Time.IsZero() {
		smp.Time = time.Now()
	}
	smp.Time = smp.Time.UTC().Truncate(time.Microsecond)
	smp.Region = ivs.RedactStreamKeys(smp.Region)
	smp.StageARN = ivs.RedactStreamKeys(smp.StageARN)
	smp.SessionID = ivs.RedactStreamKeys(smp.SessionID)

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	if len(s.samples) >= maxQueuedSamples {
		s.samples = s.samples[1:]
	}
	s.samples = append(s.samples, smp)
	n := len(s.samples)
	if s.timer == nil {
		s.timer = time.AfterFunc(sampleFlushDelay, s.flushLater)
	}
	s.mu.Unlock()
	if n >= sampleBatch {
		return s.flushSamples(ctx)
	}
	return nil
}

// flushLater is the timer's flush; failures are logged, and the samples
// stay queued for the next try.
func (s *sqlStore) flushLater() {
	if err := s.flushSamples(context.Background()); err != nil {
		slog.Error("history: writing chart samples failed", "error", err)
	}
}

// flushSamples writes the queued samples in one transaction. On failure
// they are queued again, ahead of any that arrived meanwhile.
func (s *sqlStore) flushSamples(ctx context.Context) error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.Lock()
	batch := s.samples
	s.samples = nil
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	s.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	err := s.writeSamples(ctx, batch)
	if err != nil {
		s.mu.Lock()
		s.samples = append(batch, s.samples...)
		if over := len(s.samples) - maxQueuedSamples; over > 0 {
			s.samples = s.samples[over:]
		}
		if s.timer == nil && !s.closed {
			s.timer = time.AfterFunc(sampleFlushDelay, s.flushLater)
		}
		s.mu.Unlock()
	}
	return err
}

func (s *sqlStore) writeSamples(ctx context.Context, batch []Sample) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("history: write samples: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, s.q(`INSERT INTO history_samples
		(at_us, region, stage_arn, session_id, connected, publishers) VALUES (?, ?, ?, ?, ?, ?)`))
	if err != nil {
		return fmt.Errorf("history: write samples: %w", err)
	}
	defer stmt.Close()
	for _, smp := range batch {
		if _, err := stmt.ExecContext(ctx, smp.Time.UnixMicro(), smp.Region, smp.StageARN, smp.SessionID,
			smp.Connected, smp.Publishers); err != nil {
			return fmt.Errorf("history: write samples: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("history: write samples: %w", err)
	}
	return nil
}

// Samples returns a session's points at or after since, oldest first (see
// Store.Samples): at most the newest 20,000. Queued samples are written
// first, so a point added just before is there.
func (s *sqlStore) Samples(ctx context.Context, stageARN, sessionID string, since time.Time) ([]Sample, error) {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	if err := s.flushSamples(ctx); err != nil {
		return nil, err
	}
	var sinceUS int64 = math.MinInt64
	if !since.IsZero() {
		sinceUS = since.UnixMicro()
	}
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT at_us, region, stage_arn, session_id, connected, publishers
		FROM (SELECT * FROM history_samples WHERE stage_arn = ? AND session_id = ? AND at_us >= ?
		      ORDER BY at_us DESC, id DESC LIMIT ?) AS newest
		ORDER BY at_us, id`), stageARN, sessionID, sinceUS, maxSamples)
	if err != nil {
		return nil, fmt.Errorf("history: samples: %w", err)
	}
	defer rows.Close()
	var out []Sample
	for rows.Next() {
		var (
			smp Sample
			at  int64
		)
		if err := rows.Scan(&at, &smp.Region, &smp.StageARN, &smp.SessionID, &smp.Connected, &smp.Publishers); err != nil {
			return nil, fmt.Errorf("history: samples: %w", err)
		}
		smp.Time = time.UnixMicro(at).UTC()
		out = append(out, smp)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history: samples: %w", err)
	}
	return out, nil
}
