package ivs

import "context"

// Service is the only door to IVS Real-Time. Every method takes the region to
// call: a console watches several regions at once.
//
// Only RevealStreamKeys returns stream keys: every other method leaves
// IngestConfiguration.StreamKey and the credentials' keys empty, so that no
// page, cache or log line can hold a key unless someone asked to reveal it.
type Service interface {
	// AccountID is the AWS account the console acts in (stage and ingest
	// configuration ARNs are built from it and the ids in URLs).
	AccountID(ctx context.Context) (string, error)

	ListStages(ctx context.Context, region Region, q ListQuery) (Page[Stage], error)
	GetStage(ctx context.Context, region Region, stageARN string) (Stage, error)

	ListStageSessions(ctx context.Context, region Region, stageARN string, q ListQuery) (Page[StageSession], error)
	GetStageSession(ctx context.Context, region Region, stageARN, sessionID string) (StageSession, error)

	ListParticipants(ctx context.Context, region Region, q ParticipantQuery) (Page[Participant], error)
	GetParticipant(ctx context.Context, region Region, stageARN, sessionID, participantID string) (Participant, error)
	ListParticipantEvents(ctx context.Context, region Region, stageARN, sessionID, participantID string, q ListQuery) (Page[ParticipantEvent], error)
	DisconnectParticipant(ctx context.Context, region Region, stageARN, participantID, reason string) error

	ListIngestConfigurations(ctx context.Context, region Region, q IngestQuery) (Page[IngestConfiguration], error)
	GetIngestConfiguration(ctx context.Context, region Region, arn string) (IngestConfiguration, error)
	// RevealStreamKeys fetches the configuration with its keys. Never cached.
	RevealStreamKeys(ctx context.Context, region Region, arn string) (IngestConfiguration, error)
	CreateIngestConfiguration(ctx context.Context, region Region, in CreateIngestInput) (IngestConfiguration, error)
	UpdateIngestConfiguration(ctx context.Context, region Region, in UpdateIngestInput) (IngestConfiguration, error)
	DeleteIngestConfiguration(ctx context.Context, region Region, arn string, force bool) error

	// Stages. UpdateStage takes no tags: TagResource and UntagResource
	// change the tags of a stage (or of an ingest configuration).
	CreateStage(ctx context.Context, region Region, in CreateStageInput) (Stage, error)
	UpdateStage(ctx context.Context, region Region, in UpdateStageInput) (Stage, error)
	DeleteStage(ctx context.Context, region Region, arn string) error
	TagResource(ctx context.Context, region Region, arn string, tags map[string]string) error
	UntagResource(ctx context.Context, region Region, arn string, keys []string) error
	// CreateParticipantToken is the only method that returns a participant
	// token. Never cached, never retried by the layers around it.
	CreateParticipantToken(ctx context.Context, region Region, in CreateTokenInput) (ParticipantToken, error)

	// The program output (program.go).
	ListCompositions(ctx context.Context, region Region, q CompositionQuery) (Page[Composition], error)
	GetComposition(ctx context.Context, region Region, arn string) (Composition, error)
	StartComposition(ctx context.Context, region Region, in StartCompositionInput) (Composition, error)
	StopComposition(ctx context.Context, region Region, arn string) error

	ListEncoderConfigurations(ctx context.Context, region Region, q ListQuery) (Page[EncoderConfiguration], error)
	GetEncoderConfiguration(ctx context.Context, region Region, arn string) (EncoderConfiguration, error)
	CreateEncoderConfiguration(ctx context.Context, region Region, in CreateEncoderInput) (EncoderConfiguration, error)
	DeleteEncoderConfiguration(ctx context.Context, region Region, arn string) error

	ListStorageConfigurations(ctx context.Context, region Region, q ListQuery) (Page[StorageConfiguration], error)
	GetStorageConfiguration(ctx context.Context, region Region, arn string) (StorageConfiguration, error)
	CreateStorageConfiguration(ctx context.Context, region Region, in CreateStorageInput) (StorageConfiguration, error)
	DeleteStorageConfiguration(ctx context.Context, region Region, arn string) error

	ListPublicKeys(ctx context.Context, region Region, q ListQuery) (Page[PublicKey], error)
	GetPublicKey(ctx context.Context, region Region, arn string) (PublicKey, error)
	ImportPublicKey(ctx context.Context, region Region, in ImportPublicKeyInput) (PublicKey, error)
	DeletePublicKey(ctx context.Context, region Region, arn string) error

	StartParticipantReplication(ctx context.Context, region Region, in StartReplicationInput) error
	StopParticipantReplication(ctx context.Context, region Region, sourceStageARN, destinationStageARN, participantID string) error
	ListParticipantReplicas(ctx context.Context, region Region, q ReplicaQuery) (Page[Replica], error)
}

// ListQuery pages a list. MaxResults 0 means the API default (50).
type ListQuery struct {
	NextToken  string
	MaxResults int32
}

// ParticipantQuery lists a session's participants with at most one filter set
// (the API refuses two).
type ParticipantQuery struct {
	StageARN  string
	SessionID string
	ListQuery

	UserID string
	State  string // CONNECTED | DISCONNECTED
	// PublishedOnly keeps participants that published. The API cannot filter
	// on "never published": the SDK sends the boolean only when it is true.
	PublishedOnly  bool
	RecordingState string
}

// IngestQuery lists ingest configurations with at most one filter set.
type IngestQuery struct {
	ListQuery
	StageARN string
	State    string // ACTIVE | INACTIVE
}

// CreateIngestInput is what CreateIngestConfiguration takes. IdempotencyKey
// makes a retried or double-submitted create return the first result instead
// of creating a second configuration.
type CreateIngestInput struct {
	Name            string
	StageARN        string
	UserID          string
	Attributes      map[string]string
	Protocol        string
	InsecureIngest  bool
	RedundantIngest bool
	Tags            map[string]string
	IdempotencyKey  string
}

// UpdateIngestInput carries the intended value of every field the API can
// change: RedundantIngest is always sent, since the API defaults an absent
// value to false.
type UpdateIngestInput struct {
	ARN             string
	StageARN        string
	RedundantIngest bool
}
