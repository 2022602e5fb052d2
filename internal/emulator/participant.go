package emulator

import (
	"cmp"
	"slices"
)

// Participants are kept compact (enums as bytes, client details as an index
// into a shared table, shared strings for ARNs) because one demo session holds
// 5,000+ of them inside the console's memory budget.

type recState uint8

const (
	recDisabled recState = iota
	recStarting
	recActive
	recStopping
	recStopped
	recFailed
)

var recStateNames = [...]string{"DISABLED", "STARTING", "ACTIVE", "STOPPING", "STOPPED", "FAILED"}

func (r recState) String() string { return recStateNames[r] }

type protocol uint8

const (
	protoUnknown protocol = iota
	protoWHIP
	protoRTMP
	protoRTMPS
)

var protocolNames = [...]string{"UNKNOWN", "WHIP", "RTMP", "RTMPS"}

type replication uint8

const (
	replNone replication = iota
	replSource
	replReplica
)

var replicationNames = [...]string{"NONE", "SOURCE", "REPLICA"}

type participant struct {
	id         string
	userID     string
	first      int64 // firstJoinTime, Unix ms
	attrs      map[string]string
	events     []event
	ingestArn  string // set for RTMP(S) participants of an ingest configuration
	srcStage   string // replicas: where the participant comes from
	srcSession string

	client     uint16 // index into clientProfiles
	connected  bool
	published  bool // ever published in this session (the API's "published")
	publishing bool // publishing now
	redundant  bool
	recording  recState
	protocol   protocol
	replType   replication
	replActive bool
}

func (p *participant) state() string {
	if p.connected {
		return "CONNECTED"
	}
	return "DISCONNECTED"
}

type eventName uint8

const (
	evJoined eventName = iota
	evLeft
	evPublishStarted
	evPublishStopped
	evSubscribeStarted
	evSubscribeStopped
	evPublishError
	evSubscribeError
	evJoinError
	evReplicationStarted
	evReplicationStopped
	evTokenExchanged
)

var eventNames = [...]string{"JOINED", "LEFT", "PUBLISH_STARTED", "PUBLISH_STOPPED", "SUBSCRIBE_STARTED",
	"SUBSCRIBE_STOPPED", "PUBLISH_ERROR", "SUBSCRIBE_ERROR", "JOIN_ERROR", "REPLICATION_STARTED",
	"REPLICATION_STOPPED", "TOKEN_EXCHANGED"}

type errorCode uint8

const (
	codeNone errorCode = iota
	codeInsufficientCapabilities
	codeQuotaExceeded
	codePublisherNotFound
	codeBitrateExceeded
	codeResolutionExceeded
	codeStreamDurationExceeded
	codeInvalidAudioCodec
	codeInvalidVideoCodec
	codeInvalidProtocol
	codeInvalidStreamKey
	codeReuseOfStreamKey
	codeBFramePresent
	codeInvalidInput
	codeInternalServer
)

var errorCodeNames = [...]string{"", "INSUFFICIENT_CAPABILITIES", "QUOTA_EXCEEDED", "PUBLISHER_NOT_FOUND",
	"BITRATE_EXCEEDED", "RESOLUTION_EXCEEDED", "STREAM_DURATION_EXCEEDED", "INVALID_AUDIO_CODEC",
	"INVALID_VIDEO_CODEC", "INVALID_PROTOCOL", "INVALID_STREAM_KEY", "REUSE_OF_STREAM_KEY",
	"B_FRAME_PRESENT", "INVALID_INPUT", "INTERNAL_SERVER_EXCEPTION"}

type event struct {
	at     int64
	remote string      // remoteParticipantId
	repl   *replTarget // replication events only
	name   eventName
	code   errorCode
}

type replTarget struct {
	stageArn, sessionID string
	replica             bool
}

// clientProfile is what GetParticipant reports about a participant's client.
type clientProfile struct {
	isp, osName, osVersion, browser, browserVersion, sdk string
}

// clientProfiles is shared by all participants; index 0 is an encoder (RTMP or
// OBS over WHIP), which reports no browser.
var clientProfiles = []clientProfile{
	{"", "", "", "", "", ""},
	{"Comcast Cable", "Windows", "11", "Chrome", "126.0.6478.127", "1.14.0"},
	{"Comcast Cable", "macOS", "14.5", "Safari", "17.5", "1.14.0"},
	{"Verizon Fios", "Windows", "10", "Edge", "126.0.2592.87", "1.13.0"},
	{"ATT Internet Services", "iOS", "17.5.1", "Mobile Safari", "17.5", "1.14.0"},
	{"Charter Spectrum", "Android", "14", "Chrome Mobile", "126.0.6478.122", "1.15.0"},
	{"Cox Communications", "macOS", "13.6", "Chrome", "125.0.6422.142", "1.12.1"},
	{"T-Mobile USA", "Android", "13", "Samsung Internet", "25.0", "1.14.0"},
	{"Deutsche Telekom AG", "Linux", "6.8", "Firefox", "127.0", "1.15.0"},
	{"Vodafone", "Windows", "11", "Firefox", "127.0.2", "1.13.0"},
	{"British Telecommunications", "iOS", "16.7", "Mobile Safari", "16.6", "1.12.1"},
	{"Orange S.A.", "macOS", "14.5", "Chrome", "126.0.6478.127", "1.15.0"},
	{"Google Fiber", "ChromeOS", "126", "Chrome", "126.0.6478.132", "1.15.0"},
	{"Lumen", "Windows", "10", "Chrome", "109.0.5414.120", "1.10.0"},
	{"Starlink", "macOS", "14.4", "Firefox", "126.0", "1.14.0"},
	{"Comcast Cable", "iPadOS", "17.5", "Mobile Safari", "17.5", "1.14.0"},
}

// encoderProfiles are client details for WHIP and RTMP encoders.
const (
	profileEncoder = 0
)

func (s *session) add(p *participant) {
	if s.index == nil {
		s.index = map[string]int32{}
	}
	s.index[p.id] = int32(len(s.parts))
	s.parts = append(s.parts, p)
}

// sortByJoin orders participants by first join time (stable) and reindexes.
func (s *session) sortByJoin() {
	slices.SortStableFunc(s.parts, func(a, b *participant) int { return cmp.Compare(a.first, b.first) })
	for i, p := range s.parts {
		s.index[p.id] = int32(i)
	}
}
