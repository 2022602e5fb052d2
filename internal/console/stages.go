package console

import (
	"context"
	"strings"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// maxStagePages bounds how many pages of stages a picker loads: 1,000
// stages per region is the default quota, 100 per page.
const maxStagePages = ivs.MaxStagesPerRegion / ivs.MaxPageSize

// StageList is one page of a region's stages or, with a search, every
// stage of the region whose name, id or a tag contains it (IVS has no
// server-side search).
type StageList struct {
	Stages    []ivs.Stage
	Count     int // stages on the page, or in the region when searching, before the search
	NextToken string
	// Truncated: the region holds more stages than a search reads (the
	// default quota's worth).
	Truncated bool
}

// StageList lists one page of the region's stages; a search covers every
// stage of the region instead, through the same cached reads as the
// pickers (Stages), and has no further page.
func (c *Console) StageList(ctx context.Context, region ivs.Region, next, search string) (StageList, error) {
	if search != "" {
		all, truncated, err := c.allStages(ctx, region)
		if err != nil {
			return StageList{}, err
		}
		l := StageList{Count: len(all), Truncated: truncated}
		for _, st := range all {
			if stageMatches(st, search) {
				l.Stages = append(l.Stages, st)
			}
		}
		return l, nil
	}
	page, err := c.ivs.ListStages(ctx, region, ivs.ListQuery{NextToken: next, MaxResults: ivs.MaxPageSize})
	if err != nil {
		return StageList{}, err
	}
	return StageList{Stages: page.Items, Count: len(page.Items), NextToken: page.NextToken}, nil
}

func stageMatches(st ivs.Stage, q string) bool {
	q = strings.ToLower(q)
	if strings.Contains(strings.ToLower(st.Name), q) || strings.Contains(strings.ToLower(st.ID), q) {
		return true
	}
	for k, v := range st.Tags {
		if strings.Contains(strings.ToLower(k+"="+v), q) {
			return true
		}
	}
	return false
}

// Stages loads every stage of a region, for pickers and names. The cached
// layer makes this one ListStages call per region per while.
func (c *Console) Stages(ctx context.Context, region ivs.Region) ([]ivs.Stage, error) {
	stages, _, err := c.allStages(ctx, region)
	return stages, err
}

// allStages reads every stage of a region, up to maxStagePages pages
// (truncated says there were more).
func (c *Console) allStages(ctx context.Context, region ivs.Region) ([]ivs.Stage, bool, error) {
	return collect(ctx, ivs.ListQuery{MaxResults: ivs.MaxPageSize}, maxStagePages,
		func(ctx context.Context, q ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
			return c.ivs.ListStages(ctx, region, q)
		})
}

// StageLookup resolves a stage id, or a unique exact stage name, to the id
// of one of stages. Two stages of one name are ambiguous: ask for the id.
func StageLookup(stages []ivs.Stage) func(string) (string, bool) {
	return func(s string) (string, bool) {
		for _, st := range stages {
			if st.ID == s {
				return st.ID, true
			}
		}
		found := ""
		for _, st := range stages {
			if st.Name != "" && st.Name == s {
				if found != "" {
					return "", false
				}
				found = st.ID
			}
		}
		return found, found != ""
	}
}

// stageConfigs lists the ingest configurations attached to a stage: one
// page of 100 (a region holds at most 100 by default); partial says there
// were more.
func (c *Console) stageConfigs(ctx context.Context, region ivs.Region, stageARN string) (configs []ivs.IngestConfiguration, partial bool, err error) {
	page, err := c.ivs.ListIngestConfigurations(ctx, region, ivs.IngestQuery{StageARN: stageARN, ListQuery: ivs.ListQuery{MaxResults: ivs.MaxPageSize}})
	if err != nil {
		return nil, false, err
	}
	return page.Items, page.NextToken != "", nil
}
