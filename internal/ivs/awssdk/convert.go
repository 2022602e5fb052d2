package awssdk

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func stageFrom(s *types.Stage) ivs.Stage {
	if s == nil {
		return ivs.Stage{}
	}
	st := ivs.Stage{
		ARN:             aws.ToString(s.Arn),
		ID:              ivs.IDFromARN(aws.ToString(s.Arn)),
		Name:            aws.ToString(s.Name),
		ActiveSessionID: aws.ToString(s.ActiveSessionId),
		Tags:            s.Tags,
	}
	if e := s.Endpoints; e != nil {
		st.Endpoints = ivs.StageEndpoints{WHIP: aws.ToString(e.Whip), RTMP: aws.ToString(e.Rtmp), RTMPS: aws.ToString(e.Rtmps), Events: aws.ToString(e.Events)}
	}
	if r := s.AutoParticipantRecordingConfiguration; r != nil && aws.ToString(r.StorageConfigurationArn) != "" {
		rec := &ivs.AutoRecording{
			StorageConfigurationARN: aws.ToString(r.StorageConfigurationArn),
			RecordReplicas:          r.RecordParticipantReplicas,
			ReconnectWindowSeconds:  r.RecordingReconnectWindowSeconds,
		}
		for _, m := range r.MediaTypes {
			rec.MediaTypes = append(rec.MediaTypes, string(m))
		}
		st.Recording = rec
	}
	return st
}

func stageSummaryFrom(s types.StageSummary) ivs.Stage {
	return ivs.Stage{
		ARN:             aws.ToString(s.Arn),
		ID:              ivs.IDFromARN(aws.ToString(s.Arn)),
		Name:            aws.ToString(s.Name),
		ActiveSessionID: aws.ToString(s.ActiveSessionId),
		Tags:            s.Tags,
	}
}

func participantSummaryFrom(p types.ParticipantSummary) ivs.Participant {
	return ivs.Participant{
		ID:                     aws.ToString(p.ParticipantId),
		UserID:                 aws.ToString(p.UserId),
		State:                  string(p.State),
		FirstJoinTime:          aws.ToTime(p.FirstJoinTime),
		Published:              p.Published,
		RecordingState:         string(p.RecordingState),
		ReplicationType:        string(p.ReplicationType),
		ReplicationState:       string(p.ReplicationState),
		SourceStageARN:         aws.ToString(p.SourceStageArn),
		SourceSessionID:        aws.ToString(p.SourceSessionId),
		RedundantIngest:        p.RedundantIngest,
		IngestConfigurationARN: aws.ToString(p.IngestConfigurationArn),
	}
}

func participantFrom(p *types.Participant) ivs.Participant {
	if p == nil {
		return ivs.Participant{}
	}
	return ivs.Participant{
		ID:                     aws.ToString(p.ParticipantId),
		UserID:                 aws.ToString(p.UserId),
		State:                  string(p.State),
		FirstJoinTime:          aws.ToTime(p.FirstJoinTime),
		Published:              p.Published,
		RecordingState:         string(p.RecordingState),
		ReplicationType:        string(p.ReplicationType),
		ReplicationState:       string(p.ReplicationState),
		SourceStageARN:         aws.ToString(p.SourceStageArn),
		SourceSessionID:        aws.ToString(p.SourceSessionId),
		RedundantIngest:        p.RedundantIngest,
		IngestConfigurationARN: aws.ToString(p.IngestConfigurationArn),
		Detailed:               true,
		Attributes:             p.Attributes,
		ISPName:                aws.ToString(p.IspName),
		OSName:                 aws.ToString(p.OsName),
		OSVersion:              aws.ToString(p.OsVersion),
		BrowserName:            aws.ToString(p.BrowserName),
		BrowserVersion:         aws.ToString(p.BrowserVersion),
		SDKVersion:             aws.ToString(p.SdkVersion),
		RecordingS3BucketName:  aws.ToString(p.RecordingS3BucketName),
		RecordingS3Prefix:      aws.ToString(p.RecordingS3Prefix),
		Protocol:               string(p.Protocol),
	}
}

func eventFrom(e types.Event) ivs.ParticipantEvent {
	return ivs.ParticipantEvent{
		Name:                 string(e.Name),
		Time:                 aws.ToTime(e.EventTime),
		RemoteParticipantID:  aws.ToString(e.RemoteParticipantId),
		ErrorCode:            string(e.ErrorCode),
		DestinationStageARN:  aws.ToString(e.DestinationStageArn),
		DestinationSessionID: aws.ToString(e.DestinationSessionId),
		Replica:              e.Replica,
	}
}

// ingestFrom converts a full configuration. withKeys is true only for a reveal.
func ingestFrom(c *types.IngestConfiguration, withKeys bool) ivs.IngestConfiguration {
	if c == nil {
		return ivs.IngestConfiguration{}
	}
	out := ivs.IngestConfiguration{
		ARN:             aws.ToString(c.Arn),
		ID:              ivs.IDFromARN(aws.ToString(c.Arn)),
		Name:            aws.ToString(c.Name),
		Protocol:        string(c.IngestProtocol),
		StageARN:        aws.ToString(c.StageArn),
		ParticipantID:   aws.ToString(c.ParticipantId),
		State:           string(c.State),
		UserID:          aws.ToString(c.UserId),
		RedundantIngest: c.RedundantIngest,
		Attributes:      c.Attributes,
		Tags:            c.Tags,
	}
	if withKeys {
		out.StreamKey = ivs.NewStreamKey(aws.ToString(c.StreamKey))
	}
	for _, rc := range c.RedundantIngestCredentials {
		cred := ivs.RedundantCredential{ParticipantID: aws.ToString(rc.ParticipantId)}
		if withKeys {
			cred.StreamKey = ivs.NewStreamKey(aws.ToString(rc.StreamKey))
		}
		out.Credentials = append(out.Credentials, cred)
	}
	return out
}

func ingestSummaryFrom(c types.IngestConfigurationSummary) ivs.IngestConfiguration {
	return ivs.IngestConfiguration{
		ARN:             aws.ToString(c.Arn),
		ID:              ivs.IDFromARN(aws.ToString(c.Arn)),
		Name:            aws.ToString(c.Name),
		Protocol:        string(c.IngestProtocol),
		StageARN:        aws.ToString(c.StageArn),
		ParticipantID:   aws.ToString(c.ParticipantId),
		State:           string(c.State),
		UserID:          aws.ToString(c.UserId),
		RedundantIngest: c.RedundantIngest,
		Summary:         true,
	}
}

func listParams(q ivs.ListQuery) (*string, *int32) {
	var tok *string
	if q.NextToken != "" {
		tok = aws.String(q.NextToken)
	}
	var max *int32
	if q.MaxResults > 0 {
		max = aws.Int32(q.MaxResults)
	}
	return tok, max
}
