// Package ivs is the console's view of Amazon IVS Real-Time: domain types the
// views use, the Service interface every handler calls, and domain errors.
// It knows nothing of HTTP pages or of the AWS SDK; implementations live in
// sub-packages (awssdk for the real client, cached for the layers around it).
package ivs

import (
	"regexp"
	"strings"
	"time"
)

// Region is an AWS region code such as "us-east-1".
type Region string

// Stage is an IVS Real-Time stage.
type Stage struct {
	ARN             string
	ID              string
	Name            string
	ActiveSessionID string
	Tags            map[string]string
	Endpoints       StageEndpoints
	// Recording is nil when individual participant recording is off.
	Recording *AutoRecording
}

// Live reports whether the stage has a session open now.
func (s Stage) Live() bool { return s.ActiveSessionID != "" }

// DisplayName is the stage's name, or its id when it has none.
func (s Stage) DisplayName() string { return displayName(s.Name, s.ID, s.ARN) }

// StageEndpoints are the URLs publishers and subscribers connect to.
type StageEndpoints struct {
	WHIP, RTMP, RTMPS, Events string
}

// AutoRecording is the stage's individual participant recording set-up.
type AutoRecording struct {
	StorageConfigurationARN string
	MediaTypes              []string
	RecordReplicas          bool
	ReconnectWindowSeconds  int32
}

// StageSession is one session of a stage; EndTime is zero while it is live.
type StageSession struct {
	ID        string
	StartTime time.Time
	EndTime   time.Time
}

// Live reports whether the session has not ended.
func (s StageSession) Live() bool { return s.EndTime.IsZero() }

// Duration is the session's length so far (until now while live).
func (s StageSession) Duration(now time.Time) time.Duration {
	if s.Live() {
		return now.Sub(s.StartTime)
	}
	return s.EndTime.Sub(s.StartTime)
}

// Participant state, recording state and protocol values as the API spells them.
const (
	ParticipantConnected    = "CONNECTED"
	ParticipantDisconnected = "DISCONNECTED"
)

// RecordingStates lists the participant recording states the list filter accepts
// (the API has DISABLED too, but it cannot be filtered on).
var RecordingStates = []string{"STARTING", "ACTIVE", "STOPPING", "STOPPED", "FAILED"}

// Participant is a participant summary, plus the detail fields GetParticipant adds.
type Participant struct {
	ID                     string
	UserID                 string
	State                  string
	FirstJoinTime          time.Time
	Published              bool
	RecordingState         string
	ReplicationType        string
	ReplicationState       string
	SourceStageARN         string
	SourceSessionID        string
	RedundantIngest        bool
	IngestConfigurationARN string

	// Detail: only filled by GetParticipant.
	Detailed              bool
	Attributes            map[string]string
	ISPName               string
	OSName, OSVersion     string
	BrowserName           string
	BrowserVersion        string
	SDKVersion            string
	RecordingS3BucketName string
	RecordingS3Prefix     string
	Protocol              string
}

// Connected reports whether the participant is in the stage now.
func (p Participant) Connected() bool { return p.State == ParticipantConnected }

// ParticipantEvent is one entry of a participant's timeline.
type ParticipantEvent struct {
	Name                 string
	Time                 time.Time
	RemoteParticipantID  string
	ErrorCode            string
	DestinationStageARN  string
	DestinationSessionID string
	Replica              bool
}

// IsError reports whether the event is one of the *_ERROR events.
func (e ParticipantEvent) IsError() bool {
	return e.ErrorCode != "" || e.Name == "PUBLISH_ERROR" || e.Name == "SUBSCRIBE_ERROR" || e.Name == "JOIN_ERROR"
}

// Ingest protocols and configuration states.
const (
	ProtocolRTMP   = "RTMP"
	ProtocolRTMPS  = "RTMPS"
	IngestActive   = "ACTIVE"
	IngestInactive = "INACTIVE"
)

// IngestConfiguration is an RTMP(S) ingest configuration. Summaries from List
// leave StreamKey, Credentials, Attributes and Tags empty (Summary is true).
type IngestConfiguration struct {
	ARN             string
	ID              string
	Name            string
	Protocol        string
	StageARN        string
	ParticipantID   string // the (virtual, when redundant) participant subscribers see
	State           string
	UserID          string
	RedundantIngest bool
	Attributes      map[string]string
	Tags            map[string]string
	Summary         bool

	// Secrets. Never render, log or cache these outside an allowed reveal.
	StreamKey   StreamKey
	Credentials []RedundantCredential
}

// Active reports whether a publisher streams with this configuration now.
func (c IngestConfiguration) Active() bool { return c.State == IngestActive }

// DisplayName is the configuration's name, or its id when it has none.
func (c IngestConfiguration) DisplayName() string { return displayName(c.Name, c.ID, c.ARN) }

// displayName is "name, or the id if unnamed" for every resource.
func displayName(name, id, arn string) string {
	switch {
	case name != "":
		return name
	case id != "":
		return id
	}
	return IDFromARN(arn)
}

// RedundantCredential is one encoder's credential of a redundant pair.
type RedundantCredential struct {
	ParticipantID string
	StreamKey     StreamKey
}

// StreamKey is a secret. Its String and format verbs print a mask so that a key
// that slips into a log line or an error message does not leak; Reveal returns it.
type StreamKey struct{ secret string }

// NewStreamKey wraps a secret key.
func NewStreamKey(s string) StreamKey { return StreamKey{secret: s} }

// Reveal returns the secret. Call it only to render an allowed reveal or to
// hand the key to the SDK.
func (k StreamKey) Reveal() string { return k.secret }

// IsZero reports whether there is no key.
func (k StreamKey) IsZero() bool { return k.secret == "" }

// String masks the key.
func (k StreamKey) String() string {
	if k.secret == "" {
		return ""
	}
	return "rt_••••••••"
}

// GoString masks the key for %#v.
func (k StreamKey) GoString() string { return k.String() }

// MarshalText masks the key (slog, JSON, text encoders).
func (k StreamKey) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText makes a zero key whatever the text: encoded keys are masks
// (MarshalText), so a model shared between replicas decodes without
// secrets rather than failing.
func (k *StreamKey) UnmarshalText([]byte) error { *k = StreamKey{}; return nil }

// Page is one page of a list with the token of the next one ("" at the end).
type Page[T any] struct {
	Items     []T
	NextToken string
}

var streamKeyShape = regexp.MustCompile(`rt_[0-9]+_[a-z0-9-]+_[A-Za-z0-9]+_[A-Za-z0-9]+`)

// RedactStreamKeys masks anything shaped like a stream key
// (rt_<account>_<region>_<id>_<secret>) in text that came from elsewhere:
// upstream messages, errors, free-text audit fields. Keys the console holds
// are StreamKey values and mask themselves; this is the net under that.
func RedactStreamKeys(s string) string {
	if !strings.Contains(s, "rt_") {
		return s
	}
	return streamKeyShape.ReplaceAllString(s, "[stream key]")
}

// Stage writes and participant tokens.

// Limits of the stage and participant token operations (service model
// 2020-07-14), checked by the forms before anything is sent.
const (
	MaxStageNameLen        = 128   // Stage name: 0-128, [a-zA-Z0-9-_]*
	MinTokenDuration       = 1     // CreateParticipantToken duration, minutes
	MaxTokenDuration       = 20160 // 14 days
	DefaultTokenDuration   = 720   // IVS's default: 12 hours
	MaxStorageARNLen       = 128   // storageConfigurationArn
	ResourceStorageConfig  = "storage-configuration"
	CapabilityPublish      = "PUBLISH"
	CapabilitySubscribe    = "SUBSCRIBE"
	DefaultRecordingMedia  = "AUDIO_VIDEO"
	MaxRecordingMediaTypes = 1 // the model allows one media type per stage
)

// RecordingMediaTypes are the media types individual participant recording
// takes, as the API spells them.
var RecordingMediaTypes = []string{"AUDIO_VIDEO", "AUDIO_ONLY", "NONE"}

// CreateStageInput is what CreateStage takes. IdempotencyKey makes a retried
// or double-submitted create return the first stage instead of a second.
type CreateStageInput struct {
	Name string
	Tags map[string]string
	// Recording is nil for no individual participant recording.
	Recording      *AutoRecording
	IdempotencyKey string
}

// UpdateStageInput is what UpdateStage changes: a nil field is left as it
// is. UpdateStage takes no tags: they change through TagResource and
// UntagResource.
type UpdateStageInput struct {
	ARN string
	// Name, when set, is the new name ("" removes it).
	Name *string
	// Recording, when set, replaces the recording set-up; an empty
	// StorageConfigurationARN turns recording off.
	Recording *AutoRecording
}

// CreateTokenInput is what CreateParticipantToken takes. Zero values mean
// the API's defaults (720 minutes, PUBLISH and SUBSCRIBE).
type CreateTokenInput struct {
	StageARN        string
	UserID          string
	Attributes      map[string]string
	Capabilities    []string
	DurationMinutes int32
}

// ParticipantToken is a token that lets one participant join a stage.
// IVS returns it once, when it is created: nothing can read it again.
type ParticipantToken struct {
	ParticipantID   string
	UserID          string
	Attributes      map[string]string
	Capabilities    []string
	DurationMinutes int32
	ExpirationTime  time.Time

	// Secret. Render it only in the answer to the create; never log,
	// cache or store it.
	Token TokenSecret
}

// TokenSecret is a participant token. Like StreamKey, its String and format
// verbs print a mask; Reveal returns it.
type TokenSecret struct{ secret string }

// NewTokenSecret wraps a participant token.
func NewTokenSecret(s string) TokenSecret { return TokenSecret{secret: s} }

// Reveal returns the token. Call it only to render the create's answer.
func (t TokenSecret) Reveal() string { return t.secret }

// IsZero reports whether there is no token.
func (t TokenSecret) IsZero() bool { return t.secret == "" }

// String masks the token.
func (t TokenSecret) String() string {
	if t.secret == "" {
		return ""
	}
	return "[participant token]"
}

// GoString masks the token for %#v.
func (t TokenSecret) GoString() string { return t.String() }

// MarshalText masks the token (slog, JSON, text encoders).
func (t TokenSecret) MarshalText() ([]byte, error) { return []byte(t.String()), nil }
