package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/metrics"
	"github.com/greenroom-dev/greenroom/internal/watch"
)

// channel is the LISTEN/NOTIFY channel that says a region's row changed;
// the payload is the region.
const channel = "greenroom_board"

// Publish writes each region of model that changes to the shared store and
// notifies the other replicas, until ctx ends. The leader runs it beside
// its watcher. A failed write is logged and retried with the next change:
// followers keep the last model they had, and its age shows.
func Publish(ctx context.Context, pool *pgxpool.Pool, model *watch.Model, leader string, log *slog.Logger) {
	ch, unsubscribe := model.Subscribe()
	defer unsubscribe()
	written := map[ivs.Region]*watch.Region{}
	failing := false
	for {
		for _, rg := range model.Snapshot().Regions {
			if written[rg.Region] == rg || rg.SweptAt.IsZero() {
				continue // unchanged, or nothing swept yet
			}
			err := write(ctx, pool, rg, leader)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				if !failing {
					log.Error("cluster: cannot share the live model; the other replicas show their last copy until it works again", "error", err.Error())
				}
				failing = true
				continue
			}
			if failing {
				log.Info("cluster: sharing the live model again")
			}
			failing = false
			written[rg.Region] = rg
		}
		select {
		case <-ctx.Done():
			return
		case <-ch:
		case <-time.After(5 * time.Second): // retry a failed write
		}
	}
}

func write(ctx context.Context, pool *pgxpool.Pool, rg *watch.Region, leader string) error {
	body, err := json.Marshal(rg)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	// The notification is sent when the upsert commits, in one round trip.
	_, err = pool.Exec(wctx, `WITH up AS (
		INSERT INTO board_snapshots (region, version, leader, body, at) VALUES ($1, 1, $2, $3, now())
		ON CONFLICT (region) DO UPDATE SET version = board_snapshots.version + 1, leader = $2, body = $3, at = now()
		RETURNING region)
		SELECT pg_notify($4, region) FROM up`, string(rg.Region), leader, body, channel)
	return err
}

// Follow mirrors the regions the leader shares into model until ctx ends:
// it loads every region at start and on each notification, and again every
// few seconds in case a notification was missed (a dropped LISTEN
// connection). Rows written by self are skipped: the local watcher already
// put them.
func Follow(ctx context.Context, pool *pgxpool.Pool, model *watch.Model, self string, log *slog.Logger) {
	failing := false
	for ctx.Err() == nil {
		err := follow(ctx, pool, model, self)
		if ctx.Err() != nil {
			return
		}
		if !failing {
			log.Warn("cluster: cannot follow the leader's model; the board shows the last copy until it works again", "error", err.Error())
		}
		failing = true
		sleep(ctx, 2*time.Second)
	}
}

// reloadEvery bounds how long a missed notification can leave a follower
// behind.
const reloadEvery = 5 * time.Second

func follow(ctx context.Context, pool *pgxpool.Pool, model *watch.Model, self string) error {
	pc, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// LISTEN belongs to this session: take it out of the pool for good.
	conn := pc.Hijack()
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+channel); err != nil {
		return err
	}
	if err := load(ctx, conn, model, self, ""); err != nil {
		return err
	}
	for {
		wctx, cancel := context.WithTimeout(ctx, reloadEvery)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded):
			err = load(ctx, conn, model, self, "")
		case err != nil:
			return err
		default:
			err = load(ctx, conn, model, self, n.Payload)
		}
		if err != nil {
			return err
		}
	}
}

// load reads one region's row (or all of them) into model.
func load(ctx context.Context, conn *pgx.Conn, model *watch.Model, self, region string) error {
	lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	rows, err := conn.Query(lctx, `SELECT region, leader, body FROM board_snapshots WHERE $1 = '' OR region = $1`, region)
	if err != nil {
		return err
	}
	type row struct {
		region, leader string
		body           []byte
	}
	var got []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.region, &r.leader, &r.body); err != nil {
			return err
		}
		got = append(got, r)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, r := range got {
		metrics.SharedModelAge.WithLabelValues(r.region).SetToCurrentTime()
		if r.leader == self {
			continue
		}
		var rg watch.Region
		if err := json.Unmarshal(r.body, &rg); err != nil {
			return fmt.Errorf("region %s from %s: %w", r.region, r.leader, err)
		}
		model.Put(&rg)
	}
	return nil
}

// Leader names the replica that last shared a region's model, and when
// ("" when none has yet).
func Leader(ctx context.Context, pool *pgxpool.Pool) (string, time.Time, error) {
	var who string
	var at time.Time
	err := pool.QueryRow(ctx, `SELECT leader, at FROM board_snapshots ORDER BY at DESC LIMIT 1`).Scan(&who, &at)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", time.Time{}, nil
	}
	return who, at, err
}
