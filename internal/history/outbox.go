package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Delivery states in notify's outbox.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// Delivery is one message to one webhook target, a row of notify's durable
// outbox (the notify_deliveries table).
type Delivery struct {
	ID           int64
	TransitionID int64  // the transition the message is about; unique with Target
	Target       string // an opaque id of the target (notify: a hash of its URL), never the URL
	TargetIndex  int    // the target's position in the configuration, 1-based, when queued
	TargetHost   string // the target's host name, for people
	Key          string // the alert key (a configuration ARN): messages of one key and target go out in order
	KeyName      string // its display name
	Region       string
	StageARN     string
	SessionID    string
	Payload      []byte // the request body, as it will be sent
	Status       string // DeliveryPending, DeliveryDelivered or DeliveryFailed
	Attempts     int
	Created      time.Time
	NextAttempt  time.Time // when a pending delivery is due
	Updated      time.Time
	LastError    string // of the latest attempt, in plain words; never a URL
}

// ErrNotPending is returned by UpdateDelivery for a delivery that is no
// longer pending (or no longer there).
var ErrNotPending = errors.New("history: delivery is not pending")

const deliveryColumns = `id, transition_id, target, target_index, target_host, key, key_name, region,
	stage_arn, session_id, payload, status, attempts, created_us, next_us, updated_us, last_error`

// EnqueueAlert records, in one transaction, that the transition with id
// source raised an alert, and queues its deliveries:
//   - alert, a KindAlert transition, is appended unless source was enqueued
//     before (it is then returned with ID 0);
//   - each of ds is inserted as pending unless a delivery for the same
//     source and target exists (TransitionID is set to source).
//
// It returns the alert as stored and the number of new deliveries. Like
// Append, it ignores cancellation of ctx, within its own timeout.
func (s *sqlStore) EnqueueAlert(ctx context.Context, source int64, alert Transition, ds []Delivery) (Transition, int, error) {
	if source <= 0 {
		return Transition{}, 0, fmt.Errorf("%w: an alert needs the id of its transition", ErrInvalidTransition)
	}
	if alert.Kind != KindAlert {
		return Transition{}, 0, fmt.Errorf("%w: kind %q, want %q", ErrInvalidTransition, alert.Kind, KindAlert)
	}
	now := time.Now()
	alert, err := prepare(alert, now)
	if err != nil {
		return Transition{}, 0, err
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return Transition{}, 0, fmt.Errorf("history: enqueue alert: %w", err)
	}
	defer tx.Rollback()

	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO notify_alerts (transition_id, alert_id, key, status, at_us)
		VALUES (?, 0, ?, ?, ?) ON CONFLICT (transition_id) DO NOTHING`),
		source, alert.Subject, alert.To, alert.Time.UnixMicro())
	if err != nil {
		return Transition{}, 0, fmt.Errorf("history: enqueue alert: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return Transition{}, 0, fmt.Errorf("history: enqueue alert: %w", err)
	} else if n == 1 {
		if err := s.insertTransition(ctx, tx, &alert); err != nil {
			return Transition{}, 0, fmt.Errorf("history: enqueue alert: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE notify_alerts SET alert_id = ? WHERE transition_id = ?`),
			alert.ID, source); err != nil {
			return Transition{}, 0, fmt.Errorf("history: enqueue alert: %w", err)
		}
	}

	added := 0
	for _, d := range ds {
		if d.Target == "" || d.Key == "" {
			return Transition{}, 0, errors.New("history: enqueue alert: a delivery needs a target and a key")
		}
		created := d.Created
		if created.IsZero() {
			created = now
		}
		next := d.NextAttempt
		if next.IsZero() {
			next = created
		}
		res, err := tx.ExecContext(ctx, s.q(`INSERT INTO notify_deliveries
			(transition_id, target, target_index, target_host, key, key_name, region, stage_arn, session_id,
			 payload, status, attempts, created_us, next_us, updated_us)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?)
			ON CONFLICT (transition_id, target) DO NOTHING`),
			source, d.Target, d.TargetIndex, d.TargetHost, d.Key, ivs.RedactStreamKeys(d.KeyName),
			d.Region, d.StageARN, d.SessionID, []byte(ivs.RedactStreamKeys(string(d.Payload))),
			created.UnixMicro(), next.UnixMicro(), now.UnixMicro())
		if err != nil {
			return Transition{}, 0, fmt.Errorf("history: enqueue delivery: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return Transition{}, 0, fmt.Errorf("history: enqueue delivery: %w", err)
		}
		added += int(n)
	}
	if err := tx.Commit(); err != nil {
		return Transition{}, 0, fmt.Errorf("history: enqueue alert: %w", err)
	}
	return alert, added, nil
}

// pendingHead: a pending delivery with no older pending delivery of the
// same key to the same target (order per key and target is kept).
const pendingHead = `d.target = ? AND d.status = 'pending' AND NOT EXISTS
	(SELECT 1 FROM notify_deliveries o
	 WHERE o.target = d.target AND o.key = d.key AND o.status = 'pending' AND o.id < d.id)`

// DueDeliveries returns, oldest first, up to limit pending deliveries to
// target that are due at now and are the oldest pending delivery of their
// key to that target; and when the earliest other such delivery falls due
// (zero when there is none). It only reads: one process runs one
// notifier over an SQLite file (PostgresStore's claims several).
func (s *SQLiteStore) DueDeliveries(ctx context.Context, target string, now time.Time, limit int) ([]Delivery, time.Time, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM notify_deliveries d
		WHERE `+pendingHead+` AND d.next_us <= ? ORDER BY d.id LIMIT ?`, target, now.UnixMicro(), limit)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("history: due deliveries: %w", err)
	}
	due, err := scanDeliveries(rows)
	if err != nil {
		return nil, time.Time{}, err
	}
	var next sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT MIN(d.next_us) FROM notify_deliveries d
		WHERE `+pendingHead+` AND d.next_us > ?`, target, now.UnixMicro()).Scan(&next); err != nil {
		return nil, time.Time{}, fmt.Errorf("history: due deliveries: %w", err)
	}
	var nextAt time.Time
	if next.Valid {
		nextAt = time.UnixMicro(next.Int64).UTC()
	}
	return due, nextAt, nil
}

// Deliveries returns up to limit deliveries (default 100), newest first;
// only those in status when it is not "".
func (s *sqlStore) Deliveries(ctx context.Context, status string, limit int) ([]Delivery, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.r.QueryContext(ctx, s.q(`SELECT `+deliveryColumns+` FROM notify_deliveries
		WHERE ? = '' OR status = ? ORDER BY id DESC LIMIT ?`), status, status, limit)
	if err != nil {
		return nil, fmt.Errorf("history: deliveries: %w", err)
	}
	return scanDeliveries(rows)
}

func scanDeliveries(rows *sql.Rows) ([]Delivery, error) {
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var (
			d                     Delivery
			created, next, update int64
		)
		if err := rows.Scan(&d.ID, &d.TransitionID, &d.Target, &d.TargetIndex, &d.TargetHost, &d.Key,
			&d.KeyName, &d.Region, &d.StageARN, &d.SessionID, &d.Payload, &d.Status, &d.Attempts,
			&created, &next, &update, &d.LastError); err != nil {
			return nil, fmt.Errorf("history: scan delivery: %w", err)
		}
		d.Created = time.UnixMicro(created).UTC()
		d.NextAttempt = time.UnixMicro(next).UTC()
		d.Updated = time.UnixMicro(update).UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history: deliveries: %w", err)
	}
	return out, nil
}

// UpdateDelivery stores the outcome of an attempt at a pending delivery:
// d's Status, Attempts, NextAttempt and LastError; and appends note (a
// KindNotification transition), when not nil, in the same transaction. It
// returns ErrNotPending if the delivery is no longer pending.
func (s *sqlStore) UpdateDelivery(ctx context.Context, d Delivery, note *Transition) error {
	switch d.Status {
	case DeliveryPending, DeliveryDelivered, DeliveryFailed:
	default:
		return fmt.Errorf("history: update delivery: unknown status %q", d.Status)
	}
	now := time.Now()
	var n Transition
	if note != nil {
		var err error
		if n, err = prepare(*note, now); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("history: update delivery: %w", err)
	}
	defer tx.Rollback()
	set := `status = ?, attempts = ?, next_us = ?, updated_us = ?, last_error = ?`
	if s.pg {
		set += `, claimed_by = '', claim_until_us = 0` // the attempt is over: any replica may take the next one
	}
	res, err := tx.ExecContext(ctx, s.q(`UPDATE notify_deliveries SET `+set+` WHERE id = ? AND status = 'pending'`),
		d.Status, d.Attempts, d.NextAttempt.UnixMicro(), now.UnixMicro(), ivs.RedactStreamKeys(d.LastError), d.ID)
	if err != nil {
		return fmt.Errorf("history: update delivery: %w", err)
	}
	if rows, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("history: update delivery: %w", err)
	} else if rows != 1 {
		return fmt.Errorf("%w (delivery %d)", ErrNotPending, d.ID)
	}
	if note != nil {
		if err := s.insertTransition(ctx, tx, &n); err != nil {
			return fmt.Errorf("history: update delivery: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("history: update delivery: %w", err)
	}
	return nil
}
