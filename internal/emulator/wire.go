package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// decodeBody decodes a REST-JSON request body strictly: unknown members,
// wrong types, trailing data and malformed JSON are ValidationExceptions.
// An empty body is an empty request.
func decodeBody(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return validationf("Could not parse the request body: %s", jsonProblem(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return validationf("Could not parse the request body: unexpected data after the JSON object")
	}
	return nil
}

// jsonProblem words a decoding error without Go type names.
func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		if te.Field == "" {
			return "the request body must be a JSON object"
		}
		return "invalid value type for member '" + te.Field + "'"
	case errors.As(err, &se):
		return "malformed JSON"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of JSON"
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return "unknown member " + f
	}
	return "malformed JSON"
}

// Shapes shared by requests and responses.

type recordingConfig struct {
	StorageConfigurationArn         *string          `json:"storageConfigurationArn"`
	MediaTypes                      []string         `json:"mediaTypes,omitempty"`
	ThumbnailConfiguration          *thumbnailConfig `json:"thumbnailConfiguration,omitempty"`
	RecordingReconnectWindowSeconds *int             `json:"recordingReconnectWindowSeconds,omitempty"`
	HlsConfiguration                *hlsConfig       `json:"hlsConfiguration,omitempty"`
	RecordParticipantReplicas       *bool            `json:"recordParticipantReplicas,omitempty"`
}

type thumbnailConfig struct {
	TargetIntervalSeconds *int     `json:"targetIntervalSeconds,omitempty"`
	Storage               []string `json:"storage,omitempty"`
	RecordingMode         *string  `json:"recordingMode,omitempty"`
}

type hlsConfig struct {
	TargetSegmentDurationSeconds *int `json:"targetSegmentDurationSeconds,omitempty"`
}

type endpointsOut struct {
	Events string `json:"events,omitempty"`
	Whip   string `json:"whip,omitempty"`
	Rtmp   string `json:"rtmp,omitempty"`
	Rtmps  string `json:"rtmps,omitempty"`
}

type stageOut struct {
	Arn                                   string            `json:"arn"`
	Name                                  string            `json:"name"`
	ActiveSessionID                       string            `json:"activeSessionId,omitempty"`
	Tags                                  map[string]string `json:"tags"`
	AutoParticipantRecordingConfiguration *recordingConfig  `json:"autoParticipantRecordingConfiguration,omitempty"`
	Endpoints                             *endpointsOut     `json:"endpoints,omitempty"`
}

type stageSummaryOut struct {
	Arn             string            `json:"arn"`
	Name            string            `json:"name"`
	ActiveSessionID string            `json:"activeSessionId,omitempty"`
	Tags            map[string]string `json:"tags"`
}

type sessionOut struct {
	SessionID string `json:"sessionId"`
	StartTime string `json:"startTime,omitempty"`
	EndTime   string `json:"endTime,omitempty"`
}

type participantTokenOut struct {
	ParticipantID  string            `json:"participantId"`
	Token          string            `json:"token"`
	UserID         string            `json:"userId,omitempty"`
	Attributes     map[string]string `json:"attributes,omitempty"`
	Duration       int               `json:"duration"`
	Capabilities   []string          `json:"capabilities"`
	ExpirationTime string            `json:"expirationTime"`
}

type credentialOut struct {
	ParticipantID string `json:"participantId"`
	StreamKey     string `json:"streamKey"`
}

type ingestOut struct {
	Name                       string            `json:"name"`
	Arn                        string            `json:"arn"`
	IngestProtocol             string            `json:"ingestProtocol"`
	StreamKey                  string            `json:"streamKey"`
	StageArn                   string            `json:"stageArn"`
	ParticipantID              string            `json:"participantId"`
	State                      string            `json:"state"`
	UserID                     string            `json:"userId,omitempty"`
	RedundantIngest            bool              `json:"redundantIngest"`
	RedundantIngestCredentials []credentialOut   `json:"redundantIngestCredentials,omitempty"`
	Attributes                 map[string]string `json:"attributes"`
	Tags                       map[string]string `json:"tags"`
}

type ingestSummaryOut struct {
	Name            string `json:"name"`
	Arn             string `json:"arn"`
	IngestProtocol  string `json:"ingestProtocol"`
	StageArn        string `json:"stageArn"`
	ParticipantID   string `json:"participantId"`
	State           string `json:"state"`
	UserID          string `json:"userId,omitempty"`
	RedundantIngest bool   `json:"redundantIngest"`
}

type participantSummaryOut struct {
	ParticipantID          string `json:"participantId"`
	UserID                 string `json:"userId,omitempty"`
	State                  string `json:"state"`
	FirstJoinTime          string `json:"firstJoinTime"`
	Published              bool   `json:"published"`
	RecordingState         string `json:"recordingState"`
	ReplicationType        string `json:"replicationType"`
	ReplicationState       string `json:"replicationState,omitempty"`
	SourceStageArn         string `json:"sourceStageArn,omitempty"`
	SourceSessionID        string `json:"sourceSessionId,omitempty"`
	RedundantIngest        bool   `json:"redundantIngest"`
	IngestConfigurationArn string `json:"ingestConfigurationArn,omitempty"`
}

type participantOut struct {
	participantSummaryOut
	Attributes            map[string]string `json:"attributes"`
	IspName               string            `json:"ispName,omitempty"`
	OsName                string            `json:"osName,omitempty"`
	OsVersion             string            `json:"osVersion,omitempty"`
	BrowserName           string            `json:"browserName,omitempty"`
	BrowserVersion        string            `json:"browserVersion,omitempty"`
	SdkVersion            string            `json:"sdkVersion,omitempty"`
	RecordingS3BucketName string            `json:"recordingS3BucketName,omitempty"`
	RecordingS3Prefix     string            `json:"recordingS3Prefix,omitempty"`
	Protocol              string            `json:"protocol"`
}

type eventOut struct {
	Name                 string `json:"name"`
	ParticipantID        string `json:"participantId"`
	EventTime            string `json:"eventTime"`
	RemoteParticipantID  string `json:"remoteParticipantId,omitempty"`
	ErrorCode            string `json:"errorCode,omitempty"`
	DestinationStageArn  string `json:"destinationStageArn,omitempty"`
	DestinationSessionID string `json:"destinationSessionId,omitempty"`
	Replica              bool   `json:"replica,omitempty"`
}

// emptyMap keeps "tags": {} / "attributes": {} in responses instead of null.
func emptyMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
