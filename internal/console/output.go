package console

import (
	"context"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// The program output's page queries: a stage's compositions, a composition
// with what it uses, and what the start form offers.

// maxStageCompositions bounds the compositions a stage page reads in full.
const maxStageCompositions = 10

// StageOutputs are a stage's compositions, newest first: those not stopped
// read in full (their destinations' names and targets), stopped ones as
// listed.
func (c *Console) StageOutputs(ctx context.Context, region ivs.Region, stageARN string) ([]ivs.Composition, error) {
	page, err := c.ivs.ListCompositions(ctx, region, ivs.CompositionQuery{StageARN: stageARN, ListQuery: ivs.ListQuery{MaxResults: ivs.MaxPageSize}})
	if err != nil {
		return nil, err
	}
	out := slices.Clone(page.Items)
	slices.Reverse(out)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(4)
	for i := range out {
		if out[i].State == ivs.CompositionStopped || i >= maxStageCompositions {
			continue
		}
		g.Go(func() error {
			full, err := c.ivs.GetComposition(gctx, region, out[i].ARN)
			if ivs.IsNotFound(err) {
				return nil // deleted in between: the summary stays
			}
			if err == nil {
				out[i] = full
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].ID = ivs.IDFromARN(out[i].ARN)
	}
	return out, nil
}

// CompositionPage is a composition with its stage and the encoder and
// storage configurations it uses (their errors say why a part is missing;
// the rest still shows).
type CompositionPage struct {
	Composition ivs.Composition
	Stage       *ivs.Stage
	StageErr    error
	Encoders    map[string]ivs.EncoderConfiguration // by ARN
	Storages    map[string]ivs.StorageConfiguration // by ARN
	PartsErr    error
}

// Composition reads one composition by id. An unknown id is a NotFoundError.
func (c *Console) Composition(ctx context.Context, region ivs.Region, id string) (ivs.Composition, error) {
	arn, err := c.ResourceARN(ctx, region, ivs.ResourceComposition, id)
	if err != nil {
		return ivs.Composition{}, err
	}
	comp, err := c.ivs.GetComposition(ctx, region, arn)
	if err != nil {
		return ivs.Composition{}, missing(err, ResourceComposition, Ref{Region: region}, id)
	}
	comp.ID = id
	return comp, nil
}

// CompositionPage reads a composition, then in parallel its stage and each
// configuration it uses.
func (c *Console) CompositionPage(ctx context.Context, region ivs.Region, id string) (CompositionPage, error) {
	comp, err := c.Composition(ctx, region, id)
	if err != nil {
		return CompositionPage{}, err
	}
	v := CompositionPage{Composition: comp, Encoders: map[string]ivs.EncoderConfiguration{}, Storages: map[string]ivs.StorageConfiguration{}}
	var encs, stos []string
	for _, d := range comp.Destinations {
		for _, e := range d.EncoderConfigurationARNs {
			if !slices.Contains(encs, e) {
				encs = append(encs, e)
			}
		}
		if d.StorageConfigurationARN != "" && !slices.Contains(stos, d.StorageConfigurationARN) {
			stos = append(stos, d.StorageConfigurationARN)
		}
	}
	encOut := make([]ivs.EncoderConfiguration, len(encs))
	stoOut := make([]ivs.StorageConfiguration, len(stos))
	var g errgroup.Group
	g.SetLimit(4)
	g.Go(func() error {
		st, err := c.ivs.GetStage(ctx, region, comp.StageARN)
		if err == nil {
			v.Stage = &st
		} else {
			v.StageErr = err
		}
		return nil
	})
	for i, arn := range encs {
		g.Go(func() (err error) { encOut[i], err = c.ivs.GetEncoderConfiguration(ctx, region, arn); return err })
	}
	for i, arn := range stos {
		g.Go(func() (err error) { stoOut[i], err = c.ivs.GetStorageConfiguration(ctx, region, arn); return err })
	}
	v.PartsErr = g.Wait()
	for _, e := range encOut {
		if e.ARN != "" {
			v.Encoders[e.ARN] = e
		}
	}
	for _, s := range stoOut {
		if s.ARN != "" {
			v.Storages[s.ARN] = s
		}
	}
	return v, nil
}

// CompositionChoices are what the start form offers: the region's encoder
// and storage configurations (the first 100 of each).
type CompositionChoices struct {
	Stage    ivs.Stage
	Encoders []ivs.EncoderConfiguration
	Storages []ivs.StorageConfiguration
}

// CompositionChoices reads the stage and the configurations in parallel.
func (c *Console) CompositionChoices(ctx context.Context, ref Ref) (CompositionChoices, error) {
	var v CompositionChoices
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) { v.Stage, err = c.Stage(gctx, ref); return err })
	g.Go(func() error {
		p, err := c.ivs.ListEncoderConfigurations(gctx, ref.Region, ivs.ListQuery{MaxResults: ivs.MaxPageSize})
		v.Encoders = p.Items
		return err
	})
	g.Go(func() error {
		p, err := c.ivs.ListStorageConfigurations(gctx, ref.Region, ivs.ListQuery{MaxResults: ivs.MaxPageSize})
		v.Storages = p.Items
		return err
	})
	if err := g.Wait(); err != nil {
		return CompositionChoices{}, err
	}
	for i := range v.Encoders {
		v.Encoders[i].ID = ivs.IDFromARN(v.Encoders[i].ARN)
	}
	for i := range v.Storages {
		v.Storages[i].ID = ivs.IDFromARN(v.Storages[i].ARN)
	}
	return v, nil
}
