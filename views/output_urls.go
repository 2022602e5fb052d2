package views

// Addresses of the program output: compositions, encoder and storage
// configurations, public keys and participant replication (docs/urls.md).

// CompositionURL is a composition's page, or one of its sub-pages (rest, e.g. "/stop").
func CompositionURL(region, id, rest string) string {
	return RegionURL(region, "/compositions/"+id+rest)
}

// StageCompositionsURL is where a stage's start composition form posts.
func StageCompositionsURL(region, stageID string) string {
	return StageURL(region, stageID) + "/compositions"
}

// NewCompositionURL is a stage's start composition form.
func NewCompositionURL(region, stageID string) string {
	return StageCompositionsURL(region, stageID) + "/new"
}

// EncoderListURL is a region's encoder configurations.
func EncoderListURL(region string) string { return RegionURL(region, "/encoder-configurations") }

// EncoderURL is an encoder configuration's page, or one of its sub-pages.
func EncoderURL(region, id, rest string) string { return EncoderListURL(region) + "/" + id + rest }

// StorageListURL is a region's storage configurations.
func StorageListURL(region string) string { return RegionURL(region, "/storage-configurations") }

// StorageURL is a storage configuration's page, or one of its sub-pages.
func StorageURL(region, id, rest string) string { return StorageListURL(region) + "/" + id + rest }

// PublicKeyListURL is a region's public keys.
func PublicKeyListURL(region string) string { return RegionURL(region, "/public-keys") }

// PublicKeyURL is a public key's page, or one of its sub-pages.
func PublicKeyURL(region, id, rest string) string { return PublicKeyListURL(region) + "/" + id + rest }

// ReplicasURL is where a participant's replication is started and stopped
// (POST; "/stop" stops one).
func ReplicasURL(region, stageID, sessionID, participantID string) string {
	return ParticipantURL(region, stageID, sessionID, participantID) + "/replicas"
}
