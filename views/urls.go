package views

// The console's addresses, built in one place. The scheme is the product's
// shareable state (docs/urls.md): keep it stable.

// RegionURL builds a region-scoped URL from a region-relative path.
func RegionURL(region, path string) string { return "/r/" + region + path }

// StagesURL is a region's stage list.
func StagesURL(region string) string { return RegionURL(region, "/stages") }

// StageURL is a stage's page.
func StageURL(region, stageID string) string { return RegionURL(region, "/stages/"+stageID) }

// SessionURL is a session's page.
func SessionURL(region, stageID, sessionID string) string {
	return StageURL(region, stageID) + "/sessions/" + sessionID
}

// ParticipantURL is a participant's page.
func ParticipantURL(region, stageID, sessionID, participantID string) string {
	return SessionURL(region, stageID, sessionID) + "/participants/" + participantID
}

// IngestListURL is a region's ingest configurations.
func IngestListURL(region string) string { return RegionURL(region, "/ingest-configurations") }

// IngestURL is a configuration's page, or one of its sub-pages (rest, e.g. "/edit").
func IngestURL(region, id, rest string) string { return IngestListURL(region) + "/" + id + rest }
