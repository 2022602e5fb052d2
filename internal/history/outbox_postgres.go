package history

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// claimLease is how long a delivery handed out by DueDeliveries stays with
// the store that asked, unless its attempt is recorded first: longer than
// a notifier takes over a batch (10 attempts of at most 5 s each). If that
// replica dies, its claims lapse and another replica's notifier takes the
// deliveries over: an alert caught mid-delivery by a crash is late by at
// most this, not lost.
const claimLease = time.Minute

// pendingHeadPG is pendingHead with the target as $1.
var pendingHeadPG = strings.Replace(pendingHead, "?", "$1", 1)

// claimedColumns are deliveryColumns of the UPDATE's row u.
var claimedColumns = "u." + strings.Join(strings.Split(strings.Join(strings.Fields(deliveryColumns), " "), ", "), ", u.")

// DueDeliveries is SQLiteStore.DueDeliveries for several replicas, which
// may both run a notifier for a moment during a leader hand-over.
//
// Guarantee: a delivery is handed to one store at a time. The due heads
// are selected FOR UPDATE SKIP LOCKED and claimed for this store (claimed_by,
// until now + claimLease) in the same statement, so two stores asking at
// once get disjoint sets, and a delivery claimed by another store is not
// due for this one until its attempt is recorded (UpdateDelivery drops the
// claim) or the claim lapses; next reports that lapse. The store that
// holds a claim is handed the delivery again, as SQLite would: one
// process runs one notifier. A replica stalled beyond the lease may still
// send a delivery another has taken over: delivery is at least once.
func (s *PostgresStore) DueDeliveries(ctx context.Context, target string, now time.Time, limit int) ([]Delivery, time.Time, error) {
	if limit <= 0 {
		limit = 100
	}
	at := now.UnixMicro()
	rows, err := s.w.QueryContext(ctx, `WITH due AS (
		SELECT d.id FROM notify_deliveries d
		WHERE `+pendingHeadPG+` AND d.next_us <= $2 AND (d.claim_until_us <= $2 OR d.claimed_by = $3)
		ORDER BY d.id LIMIT $4
		FOR UPDATE OF d SKIP LOCKED)
		UPDATE notify_deliveries u SET claimed_by = $3, claim_until_us = $5
		FROM due WHERE u.id = due.id
		RETURNING `+claimedColumns, target, at, s.claimant, limit, now.Add(claimLease).UnixMicro())
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("history: due deliveries: %w", err)
	}
	due, err := scanDeliveries(rows)
	if err != nil {
		return nil, time.Time{}, err
	}
	slices.SortFunc(due, func(a, b Delivery) int { return cmp.Compare(a.ID, b.ID) }) // RETURNING has no order

	// The earliest another head becomes ours: when it is due, or when
	// another store's claim on it lapses.
	var next sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT MIN(a) FROM (
		SELECT CASE WHEN d.claimed_by <> $3 AND d.claim_until_us > d.next_us THEN d.claim_until_us ELSE d.next_us END AS a
		FROM notify_deliveries d WHERE `+pendingHeadPG+`) AS heads
		WHERE a > $2`, target, at, s.claimant).Scan(&next); err != nil {
		return nil, time.Time{}, fmt.Errorf("history: due deliveries: %w", err)
	}
	var nextAt time.Time
	if next.Valid {
		nextAt = time.UnixMicro(next.Int64).UTC()
	}
	return due, nextAt, nil
}
