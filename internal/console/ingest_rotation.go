package console

import (
	"context"
	"errors"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// ErrReplacementIdle refuses a rotation's last step while nothing publishes
// with the replacement, unless the user said to delete anyway: deleting
// the old configuration then leaves no key that works on air.
var ErrReplacementIdle = errors.New("nothing publishes with the replacement yet")

// IngestNow is what is known now about whether a configuration publishes.
type IngestNow struct {
	Config ivs.IngestConfiguration
	// Publishing is IVS's word: the configuration is ACTIVE.
	Publishing bool
	// Since is when it started publishing (for a pair, its first encoder
	// that publishes now); zero when it does not publish or is not known.
	Since time.Time
	// Encoders of a redundant configuration in its stage's live session
	// (nil when not redundant, without a live session, or not read).
	Encoders []ivs.Encoder
	// Err says why Since or Encoders could not be read; Publishing holds.
	Err error
}

// RotationStatus is what a rotation's last step is decided on: whether the
// replacement publishes (since when, its encoders) and whether the old
// configuration still does.
type RotationStatus struct {
	Old, New  IngestNow
	CheckedAt time.Time
}

// RotationNow reads what the old configuration and its replacement are
// doing now. The configurations' states come from old and repl (read with
// GetIngestConfiguration); the encoders from the watcher's model when it
// has a current view of the stage's session, else from IVS. Failures to
// read details are kept in each IngestNow's Err, never returned.
func (c *Console) RotationNow(ctx context.Context, region ivs.Region, old, repl ivs.IngestConfiguration) RotationStatus {
	s := RotationStatus{CheckedAt: c.now()}
	var g errgroup.Group
	g.Go(func() error { s.Old = c.ingestNow(ctx, region, old); return nil })
	g.Go(func() error { s.New = c.ingestNow(ctx, region, repl); return nil })
	_ = g.Wait()
	return s
}

func (c *Console) ingestNow(ctx context.Context, region ivs.Region, cfg ivs.IngestConfiguration) IngestNow {
	n := IngestNow{Config: cfg, Publishing: cfg.Active()}
	if cfg.StageARN == "" {
		return n
	}
	st, err := c.ivs.GetStage(ctx, region, cfg.StageARN)
	if err != nil {
		n.Err = err
		return n
	}
	if !st.Live() {
		return n
	}
	if cfg.RedundantIngest {
		rs, err := c.Redundancy(ctx, region, st, []ivs.IngestConfiguration{cfg})
		if err == nil && len(rs) == 0 { // the watcher has not met this configuration yet
			rs, err = c.judge(ctx, region, st, []ivs.IngestConfiguration{cfg})
		}
		if err != nil {
			n.Err = err
			return n
		}
		if len(rs) == 1 {
			n.Encoders = rs[0].Encoders
			for _, e := range n.Encoders {
				if e.Publishing && !e.LastChange.IsZero() && (n.Since.IsZero() || e.LastChange.Before(n.Since)) {
					n.Since = e.LastChange
				}
			}
		}
		if !n.Publishing {
			n.Since = time.Time{}
		}
		return n
	}
	if !n.Publishing || cfg.ParticipantID == "" {
		return n
	}
	page, err := c.ivs.ListParticipantEvents(ctx, region, st.ARN, st.ActiveSessionID, cfg.ParticipantID, ivs.ListQuery{MaxResults: ivs.MaxPageSize})
	switch {
	case ivs.IsNotFound(err): // it publishes in no session of this stage we can see
	case err != nil:
		n.Err = err
	default:
		enc := ivs.Encoder{ParticipantID: cfg.ParticipantID, Seen: true, Connected: true, Publishing: true}
		enc.ApplyEvents(page.Items)
		if enc.Publishing {
			n.Since = enc.LastChange
		}
	}
	return n
}
