package emulator

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
)

// TestValidationThroughSDK checks every rule the SDK does not check itself
// (it checks only required members): each must come back as a typed
// ValidationException with its message in ExceptionMessage.
func TestValidationThroughSDK(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	stage, session := v.stageNamed("us-east-1", "main-stage-keynote")
	ingest := v.ingestNamed("us-east-1", "unassigned-spare").arn
	long := strings.Repeat("a", 129)
	tags51 := map[string]string{}
	for i := range 51 {
		tags51[strings.Repeat("k", i+1)] = "v"
	}
	bigAttrs := map[string]string{"a": strings.Repeat("x", 1024)}

	cases := []struct {
		name string
		call func() error
		want string // part of the message
	}{
		{"stage name pattern", func() error {
			_, err := c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Name: aws.String("bad name!")})
			return err
		}, "regular expression pattern"},
		{"stage name length", func() error {
			_, err := c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Name: aws.String(long)})
			return err
		}, "length between 0 and 128"},
		{"51 tags", func() error {
			_, err := c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Tags: tags51})
			return err
		}, "tags"},
		{"aws: tag prefix", func() error {
			_, err := c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Tags: map[string]string{"aws:x": "y"}})
			return err
		}, "aws:"},
		{"tag value length", func() error {
			_, err := c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Tags: map[string]string{"k": strings.Repeat("v", 257)}})
			return err
		}, "length between 0 and 256"},
		{"13 token configurations", func() error {
			_, err := c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{ParticipantTokenConfigurations: make([]types.ParticipantTokenConfiguration, 13)})
			return err
		}, "participantTokenConfigurations"},
		{"recording storage ARN", func() error {
			_, err := c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{AutoParticipantRecordingConfiguration: &types.AutoParticipantRecordingConfiguration{StorageConfigurationArn: aws.String("arn:nope")}})
			return err
		}, "storageConfigurationArn"},
		{"stage ARN pattern", func() error {
			_, err := c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: aws.String("arn:aws:ivs:us-east-1:123456789012:channel/abc")})
			return err
		}, "regular expression pattern"},
		{"stage ARN length", func() error {
			_, err := c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: aws.String("arn:aws:ivs:us-east-1:123456789012:stage/" + long)})
			return err
		}, "length between 1 and 128"},
		{"maxResults 0", func() error {
			_, err := c.ListStages(ctx(), &ivsrealtime.ListStagesInput{MaxResults: aws.Int32(0)})
			return err
		}, "greater than or equal to 1"},
		{"maxResults 101", func() error {
			_, err := c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, MaxResults: aws.Int32(101)})
			return err
		}, "less than or equal to 100"},
		{"RTMP without insecureIngest", func() error {
			_, err := c.CreateIngestConfiguration(ctx(), &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmp})
			return err
		}, "insecureIngest"},
		{"ingest protocol enum", func() error {
			_, err := c.CreateIngestConfiguration(ctx(), &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: "SRT"})
			return err
		}, "enum value set"},
		{"ingest name", func() error {
			_, err := c.CreateIngestConfiguration(ctx(), &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmps, Name: aws.String("a/b")})
			return err
		}, "regular expression pattern"},
		{"attributes over 1 KB", func() error {
			_, err := c.CreateIngestConfiguration(ctx(), &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmps, Attributes: bigAttrs})
			return err
		}, "1024 bytes"},
		{"userId length", func() error {
			_, err := c.CreateIngestConfiguration(ctx(), &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmps, UserId: aws.String(long)})
			return err
		}, "userId"},
		{"unknown stage on create is a ValidationException", func() error {
			_, err := c.CreateIngestConfiguration(ctx(), &ivsrealtime.CreateIngestConfigurationInput{IngestProtocol: types.IngestProtocolRtmps, StageArn: aws.String("arn:aws:ivs:us-east-1:123456789012:stage/nope")})
			return err
		}, "not found"},
		{"unknown stage on update", func() error {
			_, err := c.UpdateIngestConfiguration(ctx(), &ivsrealtime.UpdateIngestConfigurationInput{Arn: &ingest, StageArn: aws.String("arn:aws:ivs:us-east-1:123456789012:stage/nope")})
			return err
		}, "not found"},
		{"ingest ARN pattern", func() error {
			_, err := c.GetIngestConfiguration(ctx(), &ivsrealtime.GetIngestConfigurationInput{Arn: &stage})
			return err
		}, "regular expression pattern"},
		{"state filter enum", func() error {
			_, err := c.ListIngestConfigurations(ctx(), &ivsrealtime.ListIngestConfigurationsInput{FilterByState: "LIVE"})
			return err
		}, "enum value set"},
		{"session id length", func() error {
			_, err := c.GetStageSession(ctx(), &ivsrealtime.GetStageSessionInput{StageArn: &stage, SessionId: aws.String("st-abc")})
			return err
		}, "length between 16 and 16"},
		{"session id pattern", func() error {
			_, err := c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: aws.String("xx-0123456789abc")})
			return err
		}, "regular expression pattern"},
		{"userId and state filters", func() error {
			_, err := c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, FilterByUserId: aws.String("x"), FilterByState: types.ParticipantStateConnected})
			return err
		}, "Only one of"},
		{"published and recording filters", func() error {
			_, err := c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, FilterByPublished: true, FilterByRecordingState: types.ParticipantRecordingFilterByRecordingStateActive})
			return err
		}, "Only one of"},
		{"recording filter excludes DISABLED", func() error {
			_, err := c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, FilterByRecordingState: "DISABLED"})
			return err
		}, "enum value set"},
		{"unknown session in ListParticipants", func() error {
			_, err := c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: aws.String("st-0000000000000")})
			return err
		}, "not found"},
		{"unknown participant in ListParticipantEvents", func() error {
			_, err := c.ListParticipantEvents(ctx(), &ivsrealtime.ListParticipantEventsInput{StageArn: &stage, SessionId: &session, ParticipantId: aws.String("nobody")})
			return err
		}, "not found"},
		{"participant id pattern", func() error {
			_, err := c.GetParticipant(ctx(), &ivsrealtime.GetParticipantInput{StageArn: &stage, SessionId: &session, ParticipantId: aws.String("a b")})
			return err
		}, "regular expression pattern"},
		{"token duration", func() error {
			_, err := c.CreateParticipantToken(ctx(), &ivsrealtime.CreateParticipantTokenInput{StageArn: &stage, Duration: aws.Int32(20161)})
			return err
		}, "20160"},
		{"token capability", func() error {
			_, err := c.CreateParticipantToken(ctx(), &ivsrealtime.CreateParticipantTokenInput{StageArn: &stage, Capabilities: []types.ParticipantTokenCapability{"ADMIN"}})
			return err
		}, "enum value set"},
		{"disconnect reason length", func() error {
			_, err := c.DisconnectParticipant(ctx(), &ivsrealtime.DisconnectParticipantInput{StageArn: &stage, ParticipantId: aws.String("x"), Reason: aws.String(long)})
			return err
		}, "reason"},
		{"forged nextToken", func() error {
			_, err := c.ListStages(ctx(), &ivsrealtime.ListStagesInput{NextToken: aws.String("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")})
			return err
		}, "nextToken"},
		{"nextToken pattern", func() error {
			_, err := c.ListStages(ctx(), &ivsrealtime.ListStagesInput{NextToken: aws.String("not a token!")})
			return err
		}, "nextToken"},
		{"resource ARN for tags", func() error {
			_, err := c.ListTagsForResource(ctx(), &ivsrealtime.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:s3:::bucket")})
			return err
		}, "resourceArn"},
		{"untag key length", func() error {
			_, err := c.UntagResource(ctx(), &ivsrealtime.UntagResourceInput{ResourceArn: &stage, TagKeys: []string{long}})
			return err
		}, "tagKeys"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			var ve *types.ValidationException
			if !errors.As(err, &ve) {
				t.Fatalf("want ValidationException, got %v", err)
			}
			if ve.ExceptionMessage == nil || !strings.Contains(*ve.ExceptionMessage, tc.want) {
				t.Fatalf("message %v lacks %q", ve.ExceptionMessage, tc.want)
			}
			var nf *types.ResourceNotFoundException
			if errors.As(err, &nf) {
				t.Fatal("also a ResourceNotFoundException")
			}
		})
	}
}

// TestWireErrors checks the raw error format: status, X-Amzn-ErrorType,
// x-amzn-RequestId and the JSON body, for malformed requests no SDK sends.
func TestWireErrors(t *testing.T) {
	v := newEnv(t, SeedDemo)
	stage, _ := v.stageNamed("us-east-1", "main-stage-keynote")
	cases := []struct {
		op, body string
		status   int
		errType  string
	}{
		{"GetStage", `{}`, 400, "ValidationException"},                                // required member
		{"GetStage", `{"arn": 5}`, 400, "ValidationException"},                        // wrong type
		{"GetStage", `{"arn": "x"`, 400, "ValidationException"},                       // truncated
		{"GetStage", `[]`, 400, "ValidationException"},                                // not an object
		{"GetStage", `{"arn":"` + stage + `","extra":1}`, 400, "ValidationException"}, // unknown member
		{"GetStage", `{"arn":"` + stage + `"} {}`, 400, "ValidationException"},        // trailing data
		{"ListStages", `{"maxResults": 1.5}`, 400, "ValidationException"},
		{"CreateIngestConfiguration", `{"ingestProtocol":"RTMP","insecureIngest":"yes"}`, 400, "ValidationException"},
		{"GetStage", `{"arn":"arn:aws:ivs:us-east-1:123456789012:stage/nope"}`, 404, "ResourceNotFoundException"},
		{"NoSuchOperation", `{}`, 404, "UnknownOperationException"},
	}
	for _, tc := range cases {
		resp, body := v.raw(tc.op, tc.body)
		if resp.StatusCode != tc.status || resp.Header.Get("X-Amzn-ErrorType") != tc.errType || resp.Header.Get("x-amzn-RequestId") == "" {
			t.Errorf("%s %s: %d %q %q", tc.op, tc.body, resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), body)
			continue
		}
		var eb map[string]string
		if err := json.Unmarshal([]byte(body), &eb); err != nil || eb["__type"] != tc.errType || eb["message"] == "" || eb["exceptionMessage"] != eb["message"] {
			t.Errorf("%s body %s", tc.op, body)
		}
	}
	// Success carries a request id too, and an empty body is an empty request.
	resp, body := v.raw("ListStages", "")
	if resp.StatusCode != 200 || resp.Header.Get("x-amzn-RequestId") == "" || !strings.Contains(body, `"stages"`) {
		t.Fatalf("ListStages: %d %s", resp.StatusCode, body)
	}
	// Wrong method.
	req, _ := http.NewRequest(http.MethodGet, v.srv.URL+"/ListStages", nil)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 404 || r.Header.Get("X-Amzn-ErrorType") != "UnknownOperationException" {
		t.Fatalf("GET /ListStages: %d", r.StatusCode)
	}
	// Timestamps are ISO 8601 strings with milliseconds, UTC.
	_, body = v.raw("ListStageSessions", `{"stageArn":"`+stage+`"}`)
	if !regexp.MustCompile(`"startTime":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"`).MatchString(body) {
		t.Fatalf("timestamps: %s", body[:200])
	}
}

func TestTags(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	stage, _ := v.stageNamed("us-east-1", "studio-a")
	ingest := v.ingestNamed("us-east-1", "unassigned-spare").arn
	for _, arn := range []string{stage, ingest} {
		must(c.TagResource(ctx(), &ivsrealtime.TagResourceInput{ResourceArn: &arn, Tags: map[string]string{"owner": "ops", "tier": "gold"}}))
		tags := must(c.ListTagsForResource(ctx(), &ivsrealtime.ListTagsForResourceInput{ResourceArn: &arn})).Tags
		if tags["owner"] != "ops" || tags["tier"] != "gold" {
			t.Fatalf("%s tags %v", arn, tags)
		}
		must(c.UntagResource(ctx(), &ivsrealtime.UntagResourceInput{ResourceArn: &arn, TagKeys: []string{"owner", "absent"}}))
		tags = must(c.ListTagsForResource(ctx(), &ivsrealtime.ListTagsForResourceInput{ResourceArn: &arn})).Tags
		if _, ok := tags["owner"]; ok || tags["tier"] != "gold" {
			t.Fatalf("%s after untag %v", arn, tags)
		}
	}
	// Tags show on the resource itself.
	if st := must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: &stage})).Stage; st.Tags["tier"] != "gold" {
		t.Fatalf("stage tags %v", st.Tags)
	}
	_, err := c.ListTagsForResource(ctx(), &ivsrealtime.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:ivs:us-east-1:123456789012:stage/nope")})
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) || *nf.ExceptionMessage == "" {
		t.Fatalf("unknown ARN: %v", err)
	}
	// More than 50 in all is refused.
	many := map[string]string{}
	for i := range 49 {
		many["k"+strings.Repeat("x", i)] = "v"
	}
	_, err = c.TagResource(ctx(), &ivsrealtime.TagResourceInput{ResourceArn: &stage, Tags: many})
	var ve *types.ValidationException
	if !errors.As(err, &ve) {
		t.Fatalf("51 tags in all: %v", err)
	}
	// The raw path: the ARN percent-encoded as one segment.
	req, _ := http.NewRequest(http.MethodGet, v.srv.URL+"/tags/"+strings.ReplaceAll(strings.ReplaceAll(stage, ":", "%3A"), "/", "%2F"), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("raw encoded path: %d", resp.StatusCode)
	}
}
