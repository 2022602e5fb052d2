package console

import (
	"context"

	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Ingest reads one ingest configuration by its id (without keys). An
// unknown id is a NotFoundError.
func (c *Console) Ingest(ctx context.Context, region ivs.Region, id string) (ivs.IngestConfiguration, error) {
	arn, err := c.IngestARN(ctx, region, id)
	if err != nil {
		return ivs.IngestConfiguration{}, err
	}
	cfg, err := c.ivs.GetIngestConfiguration(ctx, region, arn)
	if err != nil {
		return ivs.IngestConfiguration{}, missing(err, ResourceIngest, Ref{Region: region}, id)
	}
	if cfg.ID == "" {
		cfg.ID = id
	}
	return cfg, nil
}

// IngestPair reads two configurations in parallel (a rotation's old one
// and its replacement).
func (c *Console) IngestPair(ctx context.Context, region ivs.Region, id1, id2 string) (a, b ivs.IngestConfiguration, err error) {
	var g errgroup.Group
	g.Go(func() (err error) { a, err = c.Ingest(ctx, region, id1); return err })
	g.Go(func() (err error) { b, err = c.Ingest(ctx, region, id2); return err })
	err = g.Wait()
	return a, b, err
}

// IngestListQuery is the list's one filter (stage id or state) and page token.
type IngestListQuery struct {
	StageID, State, Next string
}

// IngestList is one page of a region's configurations and the region's
// stages (for names and the filter's picker; StagesErr when they could not
// be read: names are a nicety).
type IngestList struct {
	Page      ivs.Page[ivs.IngestConfiguration]
	Stages    []ivs.Stage
	StagesErr error
}

// IngestList reads a page of configurations and the region's stages in parallel.
func (c *Console) IngestList(ctx context.Context, region ivs.Region, q IngestListQuery) (IngestList, error) {
	iq := ivs.IngestQuery{ListQuery: ivs.ListQuery{NextToken: q.Next, MaxResults: ivs.MaxPageSize}, State: q.State}
	if q.StageID != "" {
		arn, err := c.StageARN(ctx, region, q.StageID)
		if err != nil {
			return IngestList{}, err
		}
		iq.StageARN = arn
	}
	var v IngestList
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { v.Page, err = c.ivs.ListIngestConfigurations(gctx, region, iq); return err })
	g.Go(func() error { v.Stages, v.StagesErr = c.Stages(gctx, region); return nil })
	if err := g.Wait(); err != nil {
		return IngestList{}, err
	}
	for i := range v.Page.Items {
		if v.Page.Items[i].ID == "" {
			v.Page.Items[i].ID = ivs.IDFromARN(v.Page.Items[i].ARN)
		}
	}
	return v, nil
}

// IngestDetail is a configuration with its stage and, for a redundant
// pair, the state of both encoders. StageErr and RedundancyErr say why a
// part could not be read; the rest of the page still shows.
type IngestDetail struct {
	Config        ivs.IngestConfiguration
	Stage         *ivs.Stage
	StageErr      error
	Redundancy    *ivs.Redundancy
	RedundancyErr error
	// History is what the watcher saw happen to the encoders and the pair
	// in the last TimelineWindow, newest first (redundant ones only).
	History    []history.Transition
	HistoryErr error
}

// IngestDetail reads a configuration, then its stage, then its encoders.
func (c *Console) IngestDetail(ctx context.Context, region ivs.Region, id string) (IngestDetail, error) {
	cfg, err := c.Ingest(ctx, region, id)
	if err != nil {
		return IngestDetail{}, err
	}
	v := IngestDetail{Config: cfg}
	if cfg.StageARN != "" {
		st, err := c.ivs.GetStage(ctx, region, cfg.StageARN)
		if err == nil {
			v.Stage = &st
		} else {
			v.StageErr = err
		}
	}
	if cfg.RedundantIngest {
		v.History, v.HistoryErr = c.encoderHistory(ctx, cfg.ARN)
	}
	if cfg.RedundantIngest && v.Stage != nil {
		rs, err := c.Redundancy(ctx, region, *v.Stage, []ivs.IngestConfiguration{cfg})
		switch {
		case err != nil:
			v.RedundancyErr = err
		case len(rs) == 1:
			v.Redundancy = &rs[0]
		}
	}
	return v, nil
}
