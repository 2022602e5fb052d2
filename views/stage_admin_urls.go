package views

// Addresses of the stage create, edit and delete pages, the participant
// token form and the bulk disconnect (docs/urls.md).

// NewStageURL is the create form of a region's stages.
func NewStageURL(region string) string { return StagesURL(region) + "/new" }

// StageEditURL is a stage's edit form.
func StageEditURL(region, stageID string) string { return StageURL(region, stageID) + "/edit" }

// StageDeleteURL is a stage's delete confirmation.
func StageDeleteURL(region, stageID string) string { return StageURL(region, stageID) + "/delete" }

// TokensURL is where the participant token form posts.
func TokensURL(region, stageID string) string {
	return StageURL(region, stageID) + "/participant-tokens"
}

// NewTokenURL is a stage's participant token form.
func NewTokenURL(region, stageID string) string { return TokensURL(region, stageID) + "/new" }

// SessionDisconnectURL is the page that disconnects several participants of
// a session.
func SessionDisconnectURL(region, stageID, sessionID string) string {
	return SessionURL(region, stageID, sessionID) + "/disconnect"
}
