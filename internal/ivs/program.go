package ivs

import "time"

// The program output: what a stage sends out. A composition mixes a stage
// into one picture and delivers it to destinations (an IVS channel, or S3
// through a storage configuration), each encoded per an encoder
// configuration.

// Composition and destination states as the API spells them. A destination
// has RECONNECTING too: IVS lost it and is trying again.
const (
	CompositionStarting     = "STARTING"
	CompositionActive       = "ACTIVE"
	CompositionStopping     = "STOPPING"
	CompositionFailed       = "FAILED"
	CompositionStopped      = "STOPPED"
	DestinationReconnecting = "RECONNECTING"
)

// Resource types of the program output's ARNs.
const (
	ResourceComposition   = "composition"
	ResourceEncoderConfig = "encoder-configuration"
	ResourcePublicKey     = "public-key"
	ResourceChannel       = "channel" // an IVS (low-latency) channel: a composition's destination
)

// Layouts a composition takes.
const (
	LayoutGrid = "GRID"
	LayoutPiP  = "PIP"
)

// Composition is a server-side composition of a stage. Summaries from List
// leave Layout and the destinations' configuration empty (Summary is true).
type Composition struct {
	ARN          string
	ID           string
	StageARN     string
	State        string
	StartTime    time.Time
	EndTime      time.Time
	Layout       Layout
	Destinations []Destination
	Tags         map[string]string
	Summary      bool
}

// Running reports whether the composition has not stopped (or failed).
func (c Composition) Running() bool {
	return c.State == CompositionStarting || c.State == CompositionActive || c.State == CompositionStopping
}

// Stoppable reports whether StopComposition would change anything.
func (c Composition) Stoppable() bool {
	return c.State == CompositionStarting || c.State == CompositionActive
}

// Failing lists the destinations that are not delivering while the
// composition runs (a FAILED composition counts all of its destinations
// that did not stop cleanly).
func (c Composition) Failing() []Destination {
	var out []Destination
	for _, d := range c.Destinations {
		if d.Failing() {
			out = append(out, d)
		}
	}
	return out
}

// Layout is a composition's layout: a grid of participants, or one
// participant full frame with another in a picture-in-picture window.
type Layout struct {
	Kind string // LayoutGrid | LayoutPiP
	// FeaturedParticipantAttribute names the participant attribute whose
	// "true" value features the participant (grid: larger; PiP: full frame).
	FeaturedParticipantAttribute string
	OmitStoppedVideo             bool
	VideoFillMode                string // COVER | CONTAIN
	VideoAspectRatio             string // grid: AUTO | VIDEO | SQUARE | PORTRAIT
	GridGap                      int32
	// PiP only.
	PipParticipantAttribute string
	PipBehavior             string // STATIC | DYNAMIC
	PipPosition             string // TOP_LEFT | TOP_RIGHT | BOTTOM_LEFT | BOTTOM_RIGHT
	PipOffset               int32
}

// Destination is where a composition delivers: a channel or S3.
type Destination struct {
	ID        string
	Name      string
	State     string
	StartTime time.Time
	EndTime   time.Time
	// One of ChannelARN and StorageConfigurationARN is set (neither on a
	// summary).
	ChannelARN               string
	StorageConfigurationARN  string
	EncoderConfigurationARNs []string
	RecordingPrefix          string // S3: where the recording goes in the bucket
}

// Failing reports whether the destination is lost (RECONNECTING) or failed.
func (d Destination) Failing() bool {
	return d.State == DestinationReconnecting || d.State == CompositionFailed
}

// Kind names the destination's type in words.
func (d Destination) Kind() string {
	// These words are also ExplainDestination's kinds.
	switch {
	case d.ChannelARN != "":
		return "IVS channel"
	case d.StorageConfigurationARN != "":
		return "S3 recording"
	}
	return "destination"
}

// CompositionQuery lists compositions, optionally of one stage or using one
// encoder configuration.
type CompositionQuery struct {
	ListQuery
	StageARN                string
	EncoderConfigurationARN string
}

// StartCompositionInput is what StartComposition takes. IdempotencyKey is
// IVS's idempotencyToken: a double-submitted start returns the first
// composition.
type StartCompositionInput struct {
	StageARN       string
	Layout         Layout
	Destinations   []DestinationInput
	Tags           map[string]string
	IdempotencyKey string
}

// DestinationInput is one destination to start: a channel (with at most
// one encoder configuration) or S3 (with one or more).
type DestinationInput struct {
	Name                     string
	ChannelARN               string
	StorageConfigurationARN  string
	EncoderConfigurationARNs []string
}

// EncoderConfiguration is how a composition encodes its video. Summaries
// leave the video settings zero.
type EncoderConfiguration struct {
	ARN       string
	ID        string
	Name      string
	Width     int32
	Height    int32
	Framerate float32
	Bitrate   int32 // bits per second
	Tags      map[string]string
	Summary   bool
}

// DisplayName is the configuration's name, or its id.
func (c EncoderConfiguration) DisplayName() string { return displayName(c.Name, c.ID, c.ARN) }

// CreateEncoderInput is what CreateEncoderConfiguration takes; zero video
// fields take IVS's defaults (1280x720, 30 fps, 2.5 Mbps).
type CreateEncoderInput struct {
	Name      string
	Width     int32
	Height    int32
	Framerate float32
	Bitrate   int32
	Tags      map[string]string
}

// StorageConfiguration is an S3 bucket compositions and participant
// recordings write to.
type StorageConfiguration struct {
	ARN      string
	ID       string
	Name     string
	S3Bucket string
	Tags     map[string]string
}

// DisplayName is the configuration's name, or its id.
func (c StorageConfiguration) DisplayName() string { return displayName(c.Name, c.ID, c.ARN) }

// CreateStorageInput is what CreateStorageConfiguration takes.
type CreateStorageInput struct {
	Name     string
	S3Bucket string
	Tags     map[string]string
}

// PublicKey is a key IVS verifies participant tokens signed by the
// customer with. Summaries leave PEM and Fingerprint empty.
type PublicKey struct {
	ARN         string
	ID          string
	Name        string
	Fingerprint string
	PEM         string // public material: not a secret
	Tags        map[string]string
	Summary     bool
}

// DisplayName is the key's name, or its id.
func (k PublicKey) DisplayName() string { return displayName(k.Name, k.ID, k.ARN) }

// ImportPublicKeyInput is what ImportPublicKey takes.
type ImportPublicKeyInput struct {
	Name string
	PEM  string
	Tags map[string]string
}

// Replica is a participant replicated from its source stage into another.
type Replica struct {
	ParticipantID        string
	SourceStageARN       string
	SourceSessionID      string
	DestinationStageARN  string
	DestinationSessionID string
	State                string // ACTIVE | STOPPED
}

// ReplicaQuery lists a participant's replicas.
type ReplicaQuery struct {
	ListQuery
	SourceStageARN string
	ParticipantID  string
}

// StartReplicationInput is what StartParticipantReplication takes.
type StartReplicationInput struct {
	SourceStageARN         string
	DestinationStageARN    string
	ParticipantID          string
	Attributes             map[string]string
	ReconnectWindowSeconds int32
}
