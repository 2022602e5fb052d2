package web

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// redundancyFor assesses each redundant configuration in the stage's live
// session: who publishes, when that last changed and why. The calls run in
// parallel; the cached layer bounds what they cost. With no live session
// every encoder is down.
func (h *handler) redundancyFor(ctx context.Context, region ivs.Region, st ivs.Stage, configs []ivs.IngestConfiguration) ([]ivs.Redundancy, error) {
	var redundant []ivs.IngestConfiguration
	for _, c := range configs {
		if c.RedundantIngest {
			redundant = append(redundant, c)
		}
	}
	if len(redundant) == 0 {
		return nil, nil
	}
	full := make([]ivs.IngestConfiguration, len(redundant))
	var publishers []ivs.Participant
	g, gctx := errgroup.WithContext(ctx)
	for i, c := range redundant {
		if !c.Summary {
			full[i] = c
			continue
		}
		g.Go(func() error {
			var err error
			full[i], err = h.IVS.GetIngestConfiguration(gctx, region, c.ARN)
			return err
		})
	}
	if st.Live() {
		g.Go(func() error {
			q := ivs.ParticipantQuery{StageARN: st.ARN, SessionID: st.ActiveSessionID, PublishedOnly: true, ListQuery: ivs.ListQuery{MaxResults: 100}}
			// Publishers are few (12 at most at a time), but reconnects add
			// rows: follow a few pages at most.
			for range 5 {
				page, err := h.IVS.ListParticipants(gctx, region, q)
				if err != nil {
					return err
				}
				publishers = append(publishers, page.Items...)
				if page.NextToken == "" {
					return nil
				}
				q.NextToken = page.NextToken
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	out := make([]ivs.Redundancy, len(full))
	for i, c := range full {
		out[i] = ivs.AssessRedundancy(c, st.ActiveSessionID, publishers)
	}
	if !st.Live() {
		return out, nil
	}
	// Refine each encoder that joined with its timeline.
	g, gctx = errgroup.WithContext(ctx)
	for i := range out {
		for j := range out[i].Encoders {
			enc := &out[i].Encoders[j]
			if !enc.Seen {
				continue
			}
			g.Go(func() error {
				page, err := h.IVS.ListParticipantEvents(gctx, region, st.ARN, st.ActiveSessionID, enc.ParticipantID, ivs.ListQuery{MaxResults: 100})
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
