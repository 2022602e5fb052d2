package console

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// stageSessionsPageSize is how many sessions the stage page lists at a time.
const stageSessionsPageSize = 20

// StagePage is what the stage page shows.
type StagePage struct {
	Stage ivs.Stage
	// Sessions is one page of the stage's sessions, newest first.
	Sessions ivs.Page[ivs.StageSession]
	// LiveSession is the open session (nil when idle, or when it ended
	// between two calls).
	LiveSession    *ivs.StageSession
	Configs        []ivs.IngestConfiguration
	ConfigsPartial bool
	Redundancy     []ivs.Redundancy
	// Outputs are the stage's compositions, newest first (output.go);
	// OutputsErr says why they could not be read (the page still shows).
	Outputs    []ivs.Composition
	OutputsErr error
}

// StagePage reads a stage, a page of its sessions (next: that page's
// token), its ingest configurations and the redundancy of its live session.
// Independent calls run in parallel: two rounds at most, since the live
// session is known only from the stage.
func (c *Console) StagePage(ctx context.Context, ref Ref, next string) (StagePage, error) {
	arn, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return StagePage{}, err
	}
	var (
		v                         StagePage
		stageErr, sessErr, cfgErr error
	)
	var g errgroup.Group
	g.Go(func() error { v.Stage, stageErr = c.ivs.GetStage(ctx, ref.Region, arn); return nil })
	g.Go(func() error {
		v.Sessions, sessErr = c.ivs.ListStageSessions(ctx, ref.Region, arn, ivs.ListQuery{NextToken: next, MaxResults: stageSessionsPageSize})
		return nil
	})
	g.Go(func() error { v.Configs, v.ConfigsPartial, cfgErr = c.stageConfigs(ctx, ref.Region, arn); return nil })
	g.Go(func() error { v.Outputs, v.OutputsErr = c.StageOutputs(ctx, ref.Region, arn); return nil })
	_ = g.Wait()
	if err := firstErr(missing(stageErr, ResourceStage, ref, ""), sessErr, cfgErr); err != nil {
		return StagePage{}, err
	}

	var liveErr, redErr error
	g = errgroup.Group{}
	if v.Stage.Live() {
		for i := range v.Sessions.Items {
			if v.Sessions.Items[i].ID == v.Stage.ActiveSessionID {
				v.LiveSession = &v.Sessions.Items[i]
			}
		}
		if v.LiveSession == nil {
			g.Go(func() error {
				s, err := c.ivs.GetStageSession(ctx, ref.Region, arn, v.Stage.ActiveSessionID)
				if err == nil {
					v.LiveSession = &s
				} else if !ivs.IsNotFound(err) { // ended in between: show the stage anyway
					liveErr = err
				}
				return nil
			})
		}
		g.Go(func() error { v.Redundancy, redErr = c.Redundancy(ctx, ref.Region, v.Stage, v.Configs); return nil })
	}
	_ = g.Wait()
	if err := firstErr(liveErr, redErr); err != nil {
		return StagePage{}, err
	}
	return v, nil
}

// LiveRedundancy is the redundancy of a stage's live session, for the
// panel's refresh. Live is false when the stage has no live session, or
// (sessionID set) when that session is no longer the live one.
type LiveRedundancy struct {
	Stage ivs.Stage
	Live  bool
	Items []ivs.Redundancy
}

// LiveRedundancy reads the stage and its configurations and judges
// redundancy in its live session.
func (c *Console) LiveRedundancy(ctx context.Context, ref Ref) (LiveRedundancy, error) {
	arn, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return LiveRedundancy{}, err
	}
	var (
		v                LiveRedundancy
		configs          []ivs.IngestConfiguration
		stageErr, cfgErr error
	)
	var g errgroup.Group
	g.Go(func() error { v.Stage, stageErr = c.ivs.GetStage(ctx, ref.Region, arn); return nil })
	g.Go(func() error { configs, _, cfgErr = c.stageConfigs(ctx, ref.Region, arn); return nil })
	_ = g.Wait()
	if err := firstErr(stageErr, cfgErr); err != nil {
		return LiveRedundancy{}, err
	}
	v.Live = v.Stage.Live() && (ref.SessionID == "" || v.Stage.ActiveSessionID == ref.SessionID)
	if !v.Live {
		return v, nil
	}
	v.Items, err = c.Redundancy(ctx, ref.Region, v.Stage, configs)
	return v, err
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
