package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
)

// sqsClient is the real SDK client for SQS against the emulator.
func (v *env) sqsClient(region string) *sqs.Client {
	return sqs.New(sqs.Options{
		Region:           region,
		BaseEndpoint:     aws.String(v.srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		RetryMaxAttempts: 1,
	})
}

func (v *env) queueURL(c *sqs.Client, name string) string {
	v.t.Helper()
	out, err := c.GetQueueUrl(ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	if err != nil {
		v.t.Fatal(err)
	}
	return *out.QueueUrl
}

func TestSQSSendReceiveDelete(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.sqsClient("eu-west-1")
	cq := must(c.CreateQueue(ctx(), &sqs.CreateQueueInput{QueueName: aws.String("work"),
		Attributes: map[string]string{"VisibilityTimeout": "5"}}))
	want := v.srv.URL + "/" + DefaultAccountID + "/work"
	if *cq.QueueUrl != want || v.queueURL(c, "work") != want {
		t.Fatalf("queue url %s, want %s", *cq.QueueUrl, want)
	}
	// Same name again: the same queue.
	if again := must(c.CreateQueue(ctx(), &sqs.CreateQueueInput{QueueName: aws.String("work")})); *again.QueueUrl != want {
		t.Fatal(*again.QueueUrl)
	}
	sent := must(c.SendMessage(ctx(), &sqs.SendMessageInput{QueueUrl: cq.QueueUrl, MessageBody: aws.String("hello")}))
	if sent.MessageId == nil || *sent.MD5OfMessageBody != "5d41402abc4b2a76b9719d911017c592" {
		t.Fatalf("send: %+v", sent)
	}
	for i := range 3 {
		must(c.SendMessage(ctx(), &sqs.SendMessageInput{QueueUrl: cq.QueueUrl, MessageBody: aws.String("m" + strconv.Itoa(i))}))
	}
	attrs := must(c.GetQueueAttributes(ctx(), &sqs.GetQueueAttributesInput{QueueUrl: cq.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}}))
	if attrs.Attributes["ApproximateNumberOfMessages"] != "4" || attrs.Attributes["VisibilityTimeout"] != "5" {
		t.Fatalf("attributes: %v", attrs.Attributes)
	}
	got := must(c.ReceiveMessage(ctx(), &sqs.ReceiveMessageInput{QueueUrl: cq.QueueUrl, MaxNumberOfMessages: 10,
		MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"ApproximateReceiveCount", "SentTimestamp"}}))
	if len(got.Messages) != 4 || *got.Messages[0].Body != "hello" || *got.Messages[0].MessageId != *sent.MessageId {
		t.Fatalf("receive: %+v", got.Messages)
	}
	m := got.Messages[0]
	if m.Attributes["ApproximateReceiveCount"] != "1" || m.Attributes["SentTimestamp"] == "" || *m.MD5OfBody != *sent.MD5OfMessageBody {
		t.Fatalf("message: %+v", m)
	}
	attrs = must(c.GetQueueAttributes(ctx(), &sqs.GetQueueAttributesInput{QueueUrl: cq.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"}}))
	if attrs.Attributes["ApproximateNumberOfMessages"] != "0" || attrs.Attributes["ApproximateNumberOfMessagesNotVisible"] != "4" {
		t.Fatalf("in flight: %v", attrs.Attributes)
	}
	must(c.DeleteMessage(ctx(), &sqs.DeleteMessageInput{QueueUrl: cq.QueueUrl, ReceiptHandle: m.ReceiptHandle}))
	entries := []sqstypes.DeleteMessageBatchRequestEntry{}
	for i, m := range got.Messages[1:] {
		entries = append(entries, sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(fmt.Sprint(i)), ReceiptHandle: m.ReceiptHandle})
	}
	entries = append(entries, sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String("bad"), ReceiptHandle: aws.String("not-a-handle")})
	batch := must(c.DeleteMessageBatch(ctx(), &sqs.DeleteMessageBatchInput{QueueUrl: cq.QueueUrl, Entries: entries}))
	if len(batch.Successful) != 3 || len(batch.Failed) != 1 || *batch.Failed[0].Code != "ReceiptHandleIsInvalid" {
		t.Fatalf("batch: %+v", batch)
	}
	attrs = must(c.GetQueueAttributes(ctx(), &sqs.GetQueueAttributesInput{QueueUrl: cq.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{"All"}}))
	if attrs.Attributes["ApproximateNumberOfMessages"] != "0" || attrs.Attributes["ApproximateNumberOfMessagesNotVisible"] != "0" {
		t.Fatalf("after delete: %v", attrs.Attributes)
	}
	// Each region has its own queues.
	if _, err := v.sqsClient("us-east-1").GetQueueUrl(ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String("work")}); err == nil {
		t.Fatal("queue visible in another region")
	}
}

func TestSQSLongPollWakesOnSend(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.sqsClient("us-east-1")
	url := v.queueURL(c, DefaultEventQueue) // exists in every region
	start := time.Now()
	// Nothing there: a short wait returns empty after about the wait.
	empty := must(c.ReceiveMessage(ctx(), &sqs.ReceiveMessageInput{QueueUrl: &url, WaitTimeSeconds: 1}))
	if len(empty.Messages) != 0 || time.Since(start) < 900*time.Millisecond {
		t.Fatalf("empty receive: %d messages after %s", len(empty.Messages), time.Since(start))
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		_, _ = c.SendMessage(ctx(), &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("wake")})
	}()
	start = time.Now()
	got := must(c.ReceiveMessage(ctx(), &sqs.ReceiveMessageInput{QueueUrl: &url, WaitTimeSeconds: 20, MaxNumberOfMessages: 10}))
	if len(got.Messages) != 1 || *got.Messages[0].Body != "wake" {
		t.Fatalf("long poll: %+v", got.Messages)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("long poll took %s: it must return as soon as a message arrives", d)
	}
}

func TestSQSVisibilityTimeoutRedelivers(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.sqsClient("us-east-1")
	url := *must(c.CreateQueue(ctx(), &sqs.CreateQueueInput{QueueName: aws.String("q")})).QueueUrl
	must(c.SendMessage(ctx(), &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("again")}))
	recv := func(wait int32) []sqstypes.Message {
		return must(c.ReceiveMessage(ctx(), &sqs.ReceiveMessageInput{QueueUrl: &url, VisibilityTimeout: 1, WaitTimeSeconds: wait,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"All"}})).Messages
	}
	first := recv(0)
	if len(first) != 1 || first[0].Attributes["ApproximateReceiveCount"] != "1" {
		t.Fatalf("first: %+v", first)
	}
	if again := recv(0); len(again) != 0 {
		t.Fatal("received again while invisible")
	}
	// Not deleted: it comes back after the visibility timeout (the long poll waits for it).
	second := recv(5)
	if len(second) != 1 || second[0].Attributes["ApproximateReceiveCount"] != "2" || *second[0].ReceiptHandle == *first[0].ReceiptHandle {
		t.Fatalf("second: %+v", second)
	}
	// The first, stale handle: the call succeeds but deletes nothing.
	must(c.DeleteMessage(ctx(), &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: first[0].ReceiptHandle}))
	third := recv(5)
	if len(third) != 1 || third[0].Attributes["ApproximateReceiveCount"] != "3" {
		t.Fatalf("third: %+v", third)
	}
	must(c.DeleteMessage(ctx(), &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: third[0].ReceiptHandle}))
	if left := recv(2); len(left) != 0 {
		t.Fatalf("deleted message came back: %+v", left)
	}
}

func TestSQSErrors(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	c := v.sqsClient("us-east-1")
	_, err := c.GetQueueUrl(ctx(), &sqs.GetQueueUrlInput{QueueName: aws.String("nope")})
	var qdne *sqstypes.QueueDoesNotExist
	if !errors.As(err, &qdne) {
		t.Fatalf("GetQueueUrl of an unknown queue: %T %v", err, err)
	}
	_, err = c.ReceiveMessage(ctx(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(v.srv.URL + "/" + DefaultAccountID + "/nope")})
	if !errors.As(err, &qdne) {
		t.Fatalf("ReceiveMessage of an unknown queue: %T %v", err, err)
	}
	url := v.queueURL(c, DefaultEventQueue)
	_, err = c.DeleteMessage(ctx(), &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: aws.String("garbage!")})
	var rhi *sqstypes.ReceiptHandleIsInvalid
	if !errors.As(err, &rhi) {
		t.Fatalf("DeleteMessage with a bad handle: %T %v", err, err)
	}
	var ae smithy.APIError
	_, err = c.ReceiveMessage(ctx(), &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 11})
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterValue" {
		t.Fatalf("MaxNumberOfMessages 11: %v", err)
	}
	_, err = c.ReceiveMessage(ctx(), &sqs.ReceiveMessageInput{QueueUrl: &url, WaitTimeSeconds: 21})
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterValue" {
		t.Fatalf("WaitTimeSeconds 21: %v", err)
	}
	_, err = c.DeleteMessageBatch(ctx(), &sqs.DeleteMessageBatchInput{QueueUrl: &url, Entries: []sqstypes.DeleteMessageBatchRequestEntry{}})
	var empty *sqstypes.EmptyBatchRequest
	if !errors.As(err, &empty) {
		t.Fatalf("empty batch: %v", err)
	}
	_, err = c.CreateQueue(ctx(), &sqs.CreateQueueInput{QueueName: aws.String("bad name!")})
	if !errors.As(err, &ae) || ae.ErrorCode() != "InvalidParameterValue" {
		t.Fatalf("bad queue name: %v", err)
	}
	_, err = c.PurgeQueue(ctx(), &sqs.PurgeQueueInput{QueueUrl: &url})
	var unsupported *sqstypes.UnsupportedOperation
	if !errors.As(err, &unsupported) {
		t.Fatalf("PurgeQueue: %v", err)
	}
}

// ebEvent is an EventBridge event as a consumer reads it.
type ebEvent struct {
	Version    string   `json:"version"`
	ID         string   `json:"id"`
	DetailType string   `json:"detail-type"`
	Source     string   `json:"source"`
	Account    string   `json:"account"`
	Time       string   `json:"time"`
	Region     string   `json:"region"`
	Resources  []string `json:"resources"`
	Detail     struct {
		SessionID     string `json:"session_id"`
		EventName     string `json:"event_name"`
		EventTime     string `json:"event_time"`
		UserID        string `json:"user_id"`
		ParticipantID string `json:"participant_id"`
		ErrorCode     string `json:"error_code"`
	} `json:"detail"`
}

// drain receives (and deletes) every event in the region's event queue.
func (v *env) drain(c *sqs.Client) []ebEvent {
	v.t.Helper()
	url := v.queueURL(c, DefaultEventQueue)
	var out []ebEvent
	for {
		got := must(c.ReceiveMessage(ctx(), &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10}))
		if len(got.Messages) == 0 {
			return out
		}
		for _, m := range got.Messages {
			var ev ebEvent
			if err := json.Unmarshal([]byte(*m.Body), &ev); err != nil {
				v.t.Fatalf("event %s: %v", *m.Body, err)
			}
			out = append(out, ev)
			must(c.DeleteMessage(ctx(), &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: m.ReceiptHandle}))
		}
	}
}

func stageUpdates(evs []ebEvent) []ebEvent {
	var out []ebEvent
	for _, e := range evs {
		if e.DetailType == DetailStageUpdate {
			out = append(out, e)
		}
	}
	return out
}

func TestEventsSeedIsSilent(t *testing.T) {
	v := newEnv(t, SeedDemo)
	if evs := v.drain(v.sqsClient("us-east-1")); len(evs) != 0 {
		t.Fatalf("the seed world's past was announced: %d events", len(evs))
	}
}

func TestEventsEncoderDropCue(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1")
	q := v.sqsClient("us-east-1")
	stage, session := v.stageNamed("us-east-1", "studio-b")
	cfg := v.ingestNamed("us-east-1", "studio-b-redundant")
	a := cfg.creds[0].participantID
	v.cue("encoder/drop", fmt.Sprintf(`{"ingestConfiguration":%q,"encoder":"A","errorCode":"BITRATE_EXCEEDED"}`, cfg.arn), nil)

	all := v.drain(q)
	evs := stageUpdates(all)
	if len(evs) != 2 || len(all) != 3 || all[1].DetailType != DetailRecordingState || all[1].Detail.EventName != EventRecordingEnd {
		t.Fatalf("events: %+v", all) // studio-b records its participants
	}
	pe, un := evs[0], evs[1]
	if pe.Version != "0" || pe.ID == "" || pe.Source != "aws.ivs" || pe.DetailType != DetailStageUpdate ||
		pe.Account != DefaultAccountID || pe.Region != "us-east-1" || len(pe.Resources) != 1 || pe.Resources[0] != stage {
		t.Fatalf("envelope: %+v", pe)
	}
	if pe.Time != testEpoch.Format(time.RFC3339) {
		t.Fatalf("time %s", pe.Time)
	}
	d := pe.Detail
	if d.EventName != EventParticipantPubError || d.ErrorCode != "BITRATE_EXCEEDED" || d.SessionID != session ||
		d.ParticipantID != a || d.UserID != cfg.userID {
		t.Fatalf("publish error detail: %+v", d)
	}
	if un.Detail.EventName != EventParticipantUnpub || un.Detail.ParticipantID != a || un.Detail.ErrorCode != "" || un.ID == pe.ID {
		t.Fatalf("unpublished: %+v", un)
	}
	// The queue and ListParticipantEvents agree, to the millisecond.
	lpe := must(c.ListParticipantEvents(ctx(), &ivsrealtime.ListParticipantEventsInput{StageArn: &stage, SessionId: &session, ParticipantId: &a}))
	var pubErrAt string
	for _, e := range lpe.Events {
		if e.Name == "PUBLISH_ERROR" {
			pubErrAt = e.EventTime.UTC().Format("2006-01-02T15:04:05.000Z")
		}
	}
	if pubErrAt == "" || pubErrAt != d.EventTime {
		t.Fatalf("ListParticipantEvents says %q, the event %q", pubErrAt, d.EventTime)
	}

	// Recovery publishes again.
	v.clock.Advance(5 * time.Second)
	v.cue("encoder/recover", fmt.Sprintf(`{"ingestConfiguration":%q,"encoder":"A"}`, cfg.arn), nil)
	evs = stageUpdates(v.drain(q))
	if len(evs) != 1 || evs[0].Detail.EventName != EventParticipantPublished || evs[0].Detail.ParticipantID != a ||
		evs[0].Time != testEpoch.Add(5*time.Second).Format(time.RFC3339) {
		t.Fatalf("after recovery: %+v", evs)
	}
	// Viewers joining announce nothing (AWS documents no join events); publishers do.
	v.cue("participants/add", fmt.Sprintf(`{"stage":%q,"count":3}`, stage), nil)
	v.cue("participants/add", fmt.Sprintf(`{"stage":%q,"count":1,"published":true}`, stage), nil)
	evs = stageUpdates(v.drain(q))
	if len(evs) != 1 || evs[0].Detail.EventName != EventParticipantPublished || evs[0].Detail.UserID != "cue-publisher-4" {
		t.Fatalf("after adding participants: %+v", evs)
	}
}

func TestEventsRecordingStateChange(t *testing.T) {
	v := newEnv(t, SeedDemo)
	q := v.sqsClient("us-east-1")
	stage, _ := v.stageNamed("us-east-1", "main-stage-keynote")
	v.cue("participants/add", fmt.Sprintf(`{"stage":%q,"count":1,"published":true}`, stage), nil)
	evs := v.drain(q)
	names := map[string]string{}
	for _, e := range evs {
		names[e.DetailType] = e.Detail.EventName
	}
	if names[DetailRecordingState] != EventRecordingStart || names[DetailStageUpdate] != EventParticipantPublished {
		t.Fatalf("events on a recorded stage: %+v", evs)
	}
}

func TestEventFaults(t *testing.T) {
	const n = 400
	run := func(f EventFaults) (stats EventStats, evs []ebEvent) {
		v := newEnv(t, SeedEmpty, func(o *Options) { o.EventFaults = f })
		e := v.e
		for i := range n {
			e.emitEvent("us-east-1", DetailStageUpdate, []string{"arn:aws:ivs:us-east-1:123456789012:stage/AbCdEfGhIjKl"},
				map[string]any{"event_name": EventParticipantPublished, "participant_id": strconv.Itoa(i)}, ms(testEpoch)+int64(i))
		}
		time.Sleep(reorderHold + 100*time.Millisecond) // the last held events are released
		return e.EventStats(), v.drain(v.sqsClient("us-east-1"))
	}
	near := func(name string, got int64, frac float64) {
		t.Helper()
		want := frac * n
		if float64(got) < want*0.6 || float64(got) > want*1.4 {
			t.Errorf("%s: %d of %d, want about %.0f", name, got, n, want)
		}
	}

	stats, evs := run(EventFaults{})
	if stats.Emitted != n || len(evs) != n || stats.Dropped+stats.Duplicated+stats.Reordered+stats.Delayed != 0 {
		t.Fatalf("no faults: %+v, %d delivered", stats, len(evs))
	}
	for i, e := range evs {
		if e.Detail.ParticipantID != strconv.Itoa(i) {
			t.Fatalf("no faults: out of order at %d", i)
		}
	}

	stats, evs = run(EventFaults{Drop: 0.2, Seed: 7})
	near("dropped", stats.Dropped, 0.2)
	if len(evs) != n-int(stats.Dropped) {
		t.Fatalf("drop: %d delivered, %d dropped", len(evs), stats.Dropped)
	}

	stats, evs = run(EventFaults{Duplicate: 0.1, Seed: 7})
	near("duplicated", stats.Duplicated, 0.1)
	ids := map[string]int{}
	for _, e := range evs {
		ids[e.ID]++
	}
	if len(evs) != n+int(stats.Duplicated) || len(ids) != n {
		t.Fatalf("duplicate: %d delivered, %d distinct ids, %d duplicated", len(evs), len(ids), stats.Duplicated)
	}

	stats, evs = run(EventFaults{Reorder: 0.25, Seed: 7})
	near("reordered", stats.Reordered, 0.25)
	inversions := 0
	for i := 1; i < len(evs); i++ {
		a, _ := strconv.Atoi(evs[i-1].Detail.ParticipantID)
		b, _ := strconv.Atoi(evs[i].Detail.ParticipantID)
		if b < a {
			inversions++
		}
	}
	if len(evs) != n || inversions == 0 || inversions > int(stats.Reordered) {
		t.Fatalf("reorder: %d delivered, %d inversions, %d reordered", len(evs), inversions, stats.Reordered)
	}

	// Same seed, same choices.
	again, _ := run(EventFaults{Reorder: 0.25, Seed: 7})
	if again != stats {
		t.Fatalf("seeded faults differ: %+v then %+v", stats, again)
	}

	stats, evs = run(EventFaults{Delay: 0.1, DelayBy: time.Second, Seed: 7})
	near("delayed", stats.Delayed, 0.1)
	if len(evs) != n {
		t.Fatalf("delay: %d delivered after the delay", len(evs))
	}
}

func TestEventFaultsAdmin(t *testing.T) {
	v := newEnv(t, SeedEmpty)
	code, body := v.admin("PUT", "events/faults", `{"drop":0.5,"delay":0.1,"delayBy":"2s","duplicate":0.2,"reorder":0.3,"seed":9}`)
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	want := EventFaults{Drop: 0.5, Delay: 0.1, DelayBy: 2 * time.Second, Duplicate: 0.2, Reorder: 0.3, Seed: 9}
	if got := v.e.EventFaults(); got != want {
		t.Fatalf("faults %+v", got)
	}
	code, body = v.admin("GET", "events", "")
	var out struct {
		QueueName string      `json:"queueName"`
		QueueURL  string      `json:"queueUrl"`
		Faults    EventFaults `json:"faults"`
	}
	if err := json.Unmarshal([]byte(body), &out); code != 200 || err != nil || out.Faults != want ||
		out.QueueName != DefaultEventQueue || out.QueueURL != v.srv.URL+"/"+DefaultAccountID+"/"+DefaultEventQueue {
		t.Fatalf("%d %s", code, body)
	}
	if c, _ := v.adminFailure("PUT", "events/faults", `{"drop":1.5}`); c != 400 {
		t.Fatalf("drop 1.5: %d", c)
	}
}

func TestEventsReplication(t *testing.T) {
	v, c, src, dst, _, pub := replicationWorld(t)
	q := v.sqsClient("us-east-1")
	v.drain(q)
	must(c.StartParticipantReplication(ctx(), &ivsrealtime.StartParticipantReplicationInput{SourceStageArn: aws.String(src),
		DestinationStageArn: aws.String(dst), ParticipantId: aws.String(pub)}))
	must(c.StopParticipantReplication(ctx(), &ivsrealtime.StopParticipantReplicationInput{SourceStageArn: aws.String(src),
		DestinationStageArn: aws.String(dst), ParticipantId: aws.String(pub)}))
	var got []string
	for _, e := range v.drain(q) {
		got = append(got, e.Resources[0]+" "+e.Detail.EventName+" "+e.Detail.ParticipantID)
	}
	want := []string{
		dst + " " + EventParticipantPublished + " " + pub, // the replica publishes in the destination
		src + " " + EventReplicationStarted + " " + pub,
		dst + " " + EventParticipantUnpub + " " + pub,
		src + " " + EventReplicationEnded + " " + pub,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("replication events:\n got %q\nwant %q", got, want)
	}
}
