// Package events consumes Amazon IVS's EventBridge events (source aws.ivs)
// that an EventBridge rule routes to an SQS queue, one queue per region. A
// Consumer long-polls the queue, parses each message into an Event, hands
// them (de-duplicated, in time order) to the caller, and deletes them once
// the caller has applied them. AWS delivers these events on a best-effort
// basis (missing, late, out of order), so the caller keeps reconciling with
// a slow poll of the API; Status says when the feed is unreachable or silent.
package events

import (
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Detail types IVS Real-Time sends, and the event names of each, as AWS
// documents them ("Using Amazon EventBridge with IVS Real-Time Streaming").
const (
	DetailStageUpdate       = "IVS Stage Update"
	DetailRecordingState    = "IVS Participant Recording State Change"
	DetailCompositionState  = "IVS Composition State Change"
	Source                  = "aws.ivs"
	ParticipantPublished    = "Participant Published"
	ParticipantUnpublished  = "Participant Unpublished"
	ParticipantPublishError = "Participant Publish Error"
	ReplicationStarted      = "Participant Replication Started"
	ReplicationEnded        = "Participant Replication Ended"
	RecordingStart          = "Recording Start"
	RecordingEnd            = "Recording End"
	RecordingStartFailure   = "Recording Start Failure"
	RecordingEndFailure     = "Recording End Failure"
	CompositionSessionStart = "Session Start"
	CompositionSessionEnd   = "Session End"
	CompositionSessionFail  = "Session Failure"
	DestinationStart        = "Destination Start"
	DestinationEnd          = "Destination End"
	DestinationFailure      = "Destination Failure"
	DestinationReconnecting = "Destination Reconnecting"
)

// Event is one IVS event, free of SDK types.
type Event struct {
	ID         string    // the EventBridge event id: the same event delivered twice has the same id
	MessageID  string    // the SQS message that carried it
	Time       time.Time // detail.event_time when present (finer), else the envelope's time
	Region     string
	Account    string
	DetailType string // DetailStageUpdate, DetailRecordingState, DetailCompositionState, ...
	Name       string // detail.event_name, e.g. ParticipantPublished

	StageArn       string // resources' stage ARN, or detail.stage_arn (composition events)
	CompositionArn string // composition events: the resources' composition ARN
	SessionID      string // detail.session_id
	ParticipantID  string // detail.participant_id
	UserID         string // detail.user_id
	ErrorCode      string // detail.error_code, when the event is an error

	// Detail holds every string field of the event's detail, documented or
	// not, for what the typed fields above do not carry.
	Detail    map[string]string
	Resources []string
}

// envelope is an EventBridge event.
type envelope struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// snsNotification is an EventBridge event routed through SNS to SQS
// without raw message delivery.
type snsNotification struct {
	Type    string `json:"Type"`
	Message string `json:"Message"`
}

var errNotIVS = errors.New("not an aws.ivs EventBridge event")

// Parse reads one message body: an EventBridge event from aws.ivs, or the
// same wrapped in an SNS notification.
func Parse(body string) (Event, error) {
	var env envelope
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		return Event{}, err
	}
	if env.Source == "" {
		var n snsNotification
		if json.Unmarshal([]byte(body), &n) == nil && n.Type == "Notification" && n.Message != "" {
			if err := json.Unmarshal([]byte(n.Message), &env); err != nil {
				return Event{}, err
			}
		}
	}
	if env.Source != Source || env.ID == "" || env.DetailType == "" {
		return Event{}, errNotIVS
	}
	t, err := time.Parse(time.RFC3339Nano, env.Time)
	if err != nil {
		return Event{}, errors.New("envelope time: " + err.Error())
	}
	var raw map[string]any
	if len(env.Detail) > 0 {
		if err := json.Unmarshal(env.Detail, &raw); err != nil {
			return Event{}, errors.New("detail: " + err.Error())
		}
	}
	d := make(map[string]string, len(raw))
	for k, v := range raw {
		if s, ok := v.(string); ok {
			d[k] = s
		}
	}
	ev := Event{ID: env.ID, Time: t.UTC(), Region: env.Region, Account: env.Account, DetailType: env.DetailType,
		Name: d["event_name"], SessionID: d["session_id"], ParticipantID: d["participant_id"], UserID: d["user_id"],
		ErrorCode: d["error_code"], Detail: d, Resources: env.Resources}
	if et, err := time.Parse(time.RFC3339Nano, d["event_time"]); err == nil {
		ev.Time = et.UTC()
	}
	for _, r := range env.Resources {
		switch arnKind(r) {
		case "stage":
			ev.StageArn = r
		case "composition":
			ev.CompositionArn = r
		}
	}
	if ev.StageArn == "" && arnKind(d["stage_arn"]) == "stage" {
		ev.StageArn = d["stage_arn"]
	}
	return ev, nil
}

// arnKind is the resource type of arn:aws:ivs:<region>:<account>:<kind>/<id>.
func arnKind(arn string) string {
	rest, ok := strings.CutPrefix(arn, "arn:aws:ivs:")
	if !ok {
		return ""
	}
	f := strings.SplitN(rest, ":", 3)
	if len(f) != 3 {
		return ""
	}
	kind, _, _ := strings.Cut(f[2], "/")
	return kind
}
