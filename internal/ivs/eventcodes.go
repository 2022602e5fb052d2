package ivs

// EventErrorExplanations says in words what each participant event error
// code means and what usually fixes it (from the IVS Real-Time API
// reference's ParticipantEvent errorCode and the User Guide).
var EventErrorExplanations = map[string]string{
	"INSUFFICIENT_CAPABILITIES": "The participant's token lacks the capability for this action (e.g. PUBLISH or SUBSCRIBE): issue a token with it.",
	"QUOTA_EXCEEDED":            "A stage quota was reached: more than 12 publishers, or the subscriber limit, at once.",
	"PUBLISHER_NOT_FOUND":       "The participant tried to subscribe to a publisher that is no longer publishing (it left or stopped).",
	"INTERNAL_SERVER_EXCEPTION": "IVS had an internal problem. Usually transient: the client may retry.",
	"INVALID_PROTOCOL":          "The encoder used a protocol the ingest configuration does not allow (e.g. RTMP for an RTMPS configuration).",
	"INVALID_STREAM_KEY":        "The stream key is not valid for this stage: deleted, rotated, mistyped, or its configuration is attached to another stage.",
	"REUSE_OF_STREAM_KEY":       "The stream key is already in use by another connection: two encoders were started with the same key.",
	"B_FRAME_PRESENT":           "The encoder sent B-frames, which IVS real-time does not accept: turn B-frames off (e.g. baseline profile or bframes=0).",
	"INVALID_INPUT":             "The encoder's stream is not valid (unsupported or broken media); check its output settings.",
	"INVALID_AUDIO_CODEC":       "The audio codec is not supported: send AAC audio over RTMP(S).",
	"INVALID_VIDEO_CODEC":       "The video codec is not supported: send H.264 video over RTMP(S).",
	"BITRATE_EXCEEDED":          "The video bitrate went over the stage's limit (8.5 Mbps): lower the encoder's bitrate.",
	"RESOLUTION_EXCEEDED":       "The video resolution went over the limit (720p): scale the encoder's output down.",
	"STREAM_DURATION_EXCEEDED":  "The participant streamed for longer than the 24-hour limit and was stopped.",
}

// ExplainEventError returns the explanation of an error code, or a generic
// sentence for a code this console does not know yet.
func ExplainEventError(code string) string {
	if s, ok := EventErrorExplanations[code]; ok {
		return s
	}
	if code == "" {
		return "IVS reported an error without a code."
	}
	return "IVS reported " + code + ", a code Greenroom does not explain yet: see the IVS Real-Time API reference (ParticipantEvent errorCode)."
}
