package web

import (
	"slices"
	"strings"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
)

// ingestSection is the region-relative path of the ingest pages, which the
// region switcher keeps.
const ingestSection = "/ingest-configurations"

const stagesUnavailable = "The region's stages could not be loaded just now, so the list to pick from is empty; you can still type a stage id."

// stageOptions are the stage picker's choices, sorted by name.
func stageOptions(stages []ivs.Stage) []views.IngestStageOption {
	out := make([]views.IngestStageOption, 0, len(stages))
	for _, s := range stages {
		out = append(out, views.IngestStageOption{ID: s.ID, Name: s.Name})
	}
	slices.SortFunc(out, func(a, b views.IngestStageOption) int {
		return strings.Compare(strings.ToLower(a.Label()), strings.ToLower(b.Label()))
	})
	return out
}

// stageNames maps stage ids to names.
func stageNames(stages []ivs.Stage) map[string]string {
	names := make(map[string]string, len(stages))
	for _, s := range stages {
		names[s.ID] = s.Name
	}
	return names
}
