package console

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// maxPublisherPages bounds the pages of publishers a redundancy assessment
// follows: 12 publish at a time at most, but reconnects add rows.
const maxPublisherPages = 5

// Redundancy judges each redundant configuration among configs in the
// stage's live session: who publishes, when that last changed and why. The
// watcher's model answers when it has a current view of the session;
// otherwise the calls run here, in parallel. With no live session every
// pair is idle.
func (c *Console) Redundancy(ctx context.Context, region ivs.Region, st ivs.Stage, configs []ivs.IngestConfiguration) ([]ivs.Redundancy, error) {
	if c.live != nil && st.Live() {
		if pairs, ok := c.live.Pairs(region, st.ARN, st.ActiveSessionID); ok {
			return onlyThese(pairs, configs), nil
		}
	}
	return c.judge(ctx, region, st, configs)
}

// onlyThese keeps the pairs of the given configurations, in their order.
func onlyThese(pairs []ivs.Redundancy, configs []ivs.IngestConfiguration) []ivs.Redundancy {
	var out []ivs.Redundancy
	for _, cfg := range configs {
		for _, p := range pairs {
			if p.Config.ARN == cfg.ARN && cfg.RedundantIngest {
				out = append(out, p)
			}
		}
	}
	return out
}

// judge asks IVS: the publishers of the session, then the timeline of each
// encoder that joined.
func (c *Console) judge(ctx context.Context, region ivs.Region, st ivs.Stage, configs []ivs.IngestConfiguration) ([]ivs.Redundancy, error) {
	var redundant []ivs.IngestConfiguration
	for _, cfg := range configs {
		if cfg.RedundantIngest {
			redundant = append(redundant, cfg)
		}
	}
	if len(redundant) == 0 {
		return nil, nil
	}
	// Round one: the encoders' credentials (summaries lack them) and the
	// session's publishers.
	full := make([]ivs.IngestConfiguration, len(redundant))
	var publishers []ivs.Participant
	g, gctx := errgroup.WithContext(ctx)
	for i, cfg := range redundant {
		if !cfg.Summary {
			full[i] = cfg
			continue
		}
		g.Go(func() (err error) {
			full[i], err = c.ivs.GetIngestConfiguration(gctx, region, cfg.ARN)
			return err
		})
	}
	if st.Live() {
		g.Go(func() (err error) {
			q := ivs.ParticipantQuery{StageARN: st.ARN, SessionID: st.ActiveSessionID, PublishedOnly: true}
			publishers, _, err = collect(gctx, ivs.ListQuery{MaxResults: ivs.MaxPageSize}, maxPublisherPages,
				func(ctx context.Context, lq ivs.ListQuery) (ivs.Page[ivs.Participant], error) {
					q.ListQuery = lq
					return c.ivs.ListParticipants(ctx, region, q)
				})
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make([]ivs.Redundancy, len(full))
	for i, cfg := range full {
		out[i] = ivs.AssessRedundancy(cfg, st.ActiveSessionID, publishers)
	}
	if !st.Live() {
		return out, nil
	}
	// Round two: each encoder that joined, refined by its timeline.
	g, gctx = errgroup.WithContext(ctx)
	for i := range out {
		for j := range out[i].Encoders {
			enc := &out[i].Encoders[j]
			if !enc.Seen {
				continue
			}
			g.Go(func() error {
				page, err := c.ivs.ListParticipantEvents(gctx, region, st.ARN, st.ActiveSessionID, enc.ParticipantID, ivs.ListQuery{MaxResults: ivs.MaxPageSize})
				if err != nil {
					return err
				}
				enc.ApplyEvents(page.Items)
				return nil
			})
		}
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Reassess()
	}
	return out, nil
}
