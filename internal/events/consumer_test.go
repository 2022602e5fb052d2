package events

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/greenroom-dev/greenroom/internal/emulator"
	"github.com/greenroom-dev/greenroom/internal/metrics"
)

const stageArn = "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEfGhIjKl"

type env struct {
	t   *testing.T
	emu *emulator.Emulator
	srv *httptest.Server
	sqs *sqs.Client
	url string
}

// newEnv is an emulator over HTTP and the real SDK's SQS client. queue ""
// is the emulator's event queue; another name is created with a
// visibility timeout of one second.
func newEnv(t *testing.T, seed, queue string) *env {
	t.Helper()
	emu, err := emulator.New(emulator.Options{Seed: seed, RandSeed: 42})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(func() { srv.Close(); emu.Close() })
	c := NewClient(aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
		RetryMaxAttempts: 1}, srv.URL)
	v := &env{t: t, emu: emu, srv: srv, sqs: c}
	if queue == "" {
		out, err := c.GetQueueUrl(context.Background(), &sqs.GetQueueUrlInput{QueueName: aws.String(emulator.DefaultEventQueue)})
		if err != nil {
			t.Fatal(err)
		}
		v.url = *out.QueueUrl
	} else {
		out, err := c.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(queue),
			Attributes: map[string]string{"VisibilityTimeout": "1"}})
		if err != nil {
			t.Fatal(err)
		}
		v.url = *out.QueueUrl
	}
	return v
}

func (v *env) send(body string) {
	v.t.Helper()
	if _, err := v.sqs.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: &v.url, MessageBody: &body}); err != nil {
		v.t.Fatal(err)
	}
}

// left is how many messages the queue still holds, visible or not.
func (v *env) left() int {
	v.t.Helper()
	out, err := v.sqs.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: &v.url,
		AttributeNames: []sqstypes.QueueAttributeName{"All"}})
	if err != nil {
		v.t.Fatal(err)
	}
	n := 0
	for _, k := range []string{"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"} {
		var x int
		fmt.Sscan(out.Attributes[k], &x)
		n += x
	}
	return n
}

// event is an EventBridge event from IVS, as AWS documents its shape.
func event(id, name, pid string, at time.Time) string {
	b, _ := json.Marshal(map[string]any{
		"version": "0", "id": id, "detail-type": DetailStageUpdate, "source": "aws.ivs", "account": "123456789012",
		"time": at.UTC().Format(time.RFC3339), "region": "us-east-1", "resources": []string{stageArn},
		"detail": map[string]any{"session_id": "st-AbCdEfGhIjKl", "event_name": name, "user_id": "u-" + pid,
			"participant_id": pid, "event_time": at.UTC().Format("2006-01-02T15:04:05.000Z")},
	})
	return string(b)
}

// collector is an apply func that records what it was given.
type collector struct {
	mu      sync.Mutex
	batches [][]Event
	fail    int // fail this many calls first
	calls   int
}

func (c *collector) apply(_ context.Context, evs []Event) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if c.calls <= c.fail {
		return errors.New("model unavailable")
	}
	c.batches = append(c.batches, evs)
	return nil
}

func (c *collector) events() []Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Event
	for _, b := range c.batches {
		out = append(out, b...)
	}
	return out
}

// run runs a consumer until cond holds (or 15 s), then stops it.
func run(t *testing.T, c *Consumer, apply func(context.Context, []Event) error, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, apply) }()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			cancel()
			<-done
			t.Fatal("condition not reached in 15 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
}

func TestEventsReachApplyInTimeOrder(t *testing.T) {
	v := newEnv(t, emulator.SeedEmpty, "order")
	base := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	// Sent out of order, as AWS may deliver them (within a second: event_time orders them).
	for _, i := range []int{3, 0, 4, 1, 2} {
		name := ParticipantPublished
		if i%2 == 1 {
			name = ParticipantUnpublished
		}
		v.send(event(fmt.Sprintf("id-%d", i), name, fmt.Sprintf("p%d", i), base.Add(time.Duration(i)*100*time.Millisecond)))
	}
	col := &collector{}
	c := New(v.sqs, v.url, Options{Region: "us-east-1", Wait: time.Second})
	run(t, c, col.apply, func() bool { return len(col.events()) == 5 && v.left() == 0 })
	evs := col.events()
	for i, e := range evs {
		if e.ID != fmt.Sprintf("id-%d", i) {
			t.Fatalf("event %d is %s: not in time order", i, e.ID)
		}
	}
	e := evs[1]
	if e.DetailType != DetailStageUpdate || e.Name != ParticipantUnpublished || e.ParticipantID != "p1" || e.UserID != "u-p1" ||
		e.SessionID != "st-AbCdEfGhIjKl" || e.StageArn != stageArn || e.Region != "us-east-1" || e.Account != "123456789012" ||
		!e.Time.Equal(base.Add(100*time.Millisecond)) || e.MessageID == "" {
		t.Fatalf("parsed: %+v", e)
	}
	if st := c.Status(); st.State != StateOK || st.Applied != 5 || !st.LastEventTime.Equal(base.Add(400*time.Millisecond)) {
		t.Fatalf("status: %+v", st)
	}
}

func TestFailingApplyLeavesMessagesForRedelivery(t *testing.T) {
	v := newEnv(t, emulator.SeedEmpty, "retry")
	v.send(event("a", ParticipantPublished, "p1", time.Now()))
	v.send(event("b", ParticipantUnpublished, "p1", time.Now().Add(time.Millisecond)))
	col := &collector{fail: 1}
	c := New(v.sqs, v.url, Options{Region: "us-east-1", Wait: 2 * time.Second})
	start := time.Now()
	run(t, c, col.apply, func() bool { return len(col.events()) == 2 && v.left() == 0 })
	if col.calls < 2 {
		t.Fatalf("apply called %d times", col.calls)
	}
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Fatalf("re-delivered after %s: before the visibility timeout", d)
	}
	if evs := col.events(); evs[0].ID != "a" || evs[1].ID != "b" {
		t.Fatalf("re-delivered: %+v", evs)
	}
	if st := c.Status(); !strings.Contains(st.LastError, "model unavailable") || st.Applied != 2 {
		t.Fatalf("status: %+v", st)
	}
}

func TestDuplicatesAreFiltered(t *testing.T) {
	v := newEnv(t, emulator.SeedEmpty, "dups")
	at := time.Now()
	v.send(event("same", ParticipantPublished, "p1", at))
	v.send(event("same", ParticipantPublished, "p1", at)) // duplicated delivery, same batch
	v.send(event("other", ParticipantPublished, "p2", at))
	before := testutil.ToFloat64(metrics.EventMessages.WithLabelValues("dup-test", "duplicate"))
	col := &collector{}
	c := New(v.sqs, v.url, Options{Region: "dup-test", Wait: time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, col.apply) }()
	waitFor(t, func() bool { return len(col.events()) == 2 && v.left() == 0 })
	v.send(event("same", ParticipantPublished, "p1", at)) // late duplicate, another batch
	waitFor(t, func() bool { return c.Status().Duplicates == 2 && v.left() == 0 })
	cancel()
	<-done
	if evs := col.events(); len(evs) != 2 {
		t.Fatalf("apply saw %d events: %+v", len(evs), evs)
	}
	if got := testutil.ToFloat64(metrics.EventMessages.WithLabelValues("dup-test", "duplicate")) - before; got != 2 {
		t.Fatalf("duplicate counter +%v", got)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 15 s")
		}
	}
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestUnparseableMessagesAreDeletedAndCounted(t *testing.T) {
	v := newEnv(t, emulator.SeedEmpty, "junk")
	v.send(`not json with secret-user@example.com`)
	v.send(`{"version":"0","id":"x","detail-type":"Object Created","source":"aws.s3","time":"2026-05-01T12:00:00Z","detail":{}}`)
	v.send(`{"version":"0","id":"y","detail-type":"IVS Stage Update","source":"aws.ivs","time":"yesterday","detail":{}}`)
	v.send(event("good", ParticipantPublished, "p1", time.Now()))
	before := testutil.ToFloat64(metrics.EventMessages.WithLabelValues("junk-test", "unparseable"))
	logs := &syncBuf{}
	col := &collector{}
	c := New(v.sqs, v.url, Options{Region: "junk-test", Wait: time.Second, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	run(t, c, col.apply, func() bool { return len(col.events()) == 1 && v.left() == 0 })
	if got := testutil.ToFloat64(metrics.EventMessages.WithLabelValues("junk-test", "unparseable")) - before; got != 3 {
		t.Fatalf("unparseable counter +%v", got)
	}
	if st := c.Status(); st.Unparseable != 3 || st.Applied != 1 {
		t.Fatalf("status %+v", st)
	}
	if n := strings.Count(logs.String(), "unparseable message deleted"); n != 3 || strings.Contains(logs.String(), "secret-user") ||
		!strings.Contains(logs.String(), "messageId=") {
		t.Fatalf("logs:\n%s", logs.String())
	}
}

func TestStatusTransitions(t *testing.T) {
	v := newEnv(t, emulator.SeedEmpty, "health")
	now := time.Now()
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	col := &collector{}
	c := New(v.sqs, v.url, Options{Region: "us-east-1", Wait: time.Second, SilentAfter: time.Minute, Now: clock})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx, col.apply) }()
	waitFor(t, func() bool { return !c.Status().LastReceive.IsZero() })
	if st := c.Status(); st.State != StateOK {
		t.Fatalf("fresh: %+v", st)
	}
	advance(2 * time.Minute)
	if st := c.Status(); st.State != StateSilent {
		t.Fatalf("no event for 2 minutes: %+v", st)
	}
	v.send(event("e1", ParticipantPublished, "p1", time.Now()))
	waitFor(t, func() bool { return c.Status().Applied == 1 })
	if st := c.Status(); st.State != StateOK || !st.LastEvent.Equal(clock()) {
		t.Fatalf("after an event: %+v", st)
	}
	// The queue goes away: unreachable.
	v.srv.CloseClientConnections()
	v.srv.Close()
	waitFor(t, func() bool { return c.Status().State == StateUnreachable })
	if st := c.Status(); !strings.HasPrefix(st.LastError, "receive: ") {
		t.Fatalf("unreachable: %+v", st)
	}
	cancel()
	<-done
}

func TestUnknownQueueIsUnreachable(t *testing.T) {
	v := newEnv(t, emulator.SeedEmpty, "x")
	c := New(v.sqs, v.srv.URL+"/123456789012/missing", Options{Region: "us-east-1", Wait: time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = c.Run(ctx, (&collector{}).apply) }()
	waitFor(t, func() bool { return c.Status().State == StateUnreachable })
	if st := c.Status(); !strings.Contains(st.LastError, "The specified queue does not exist") {
		t.Fatalf("status %+v", st)
	}
}

// The emulator's own events, from a cue, reach apply with AWS's fields.
func TestEmulatorEventsReachApply(t *testing.T) {
	v := newEnv(t, emulator.SeedDemo, "")
	// The demo's studio-b pair: drop encoder A with an error, over the admin API.
	resp, err := v.srv.Client().Get(v.srv.URL + "/_emulator/ingest?region=us-east-1")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		IngestConfigurations []struct {
			Name, Arn, StageArn, SessionID string
			Encoders                       []struct{ ParticipantID string }
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var arn, stage, session, pid string
	for _, c := range list.IngestConfigurations {
		if c.Name == "studio-b-redundant" {
			arn, stage, session, pid = c.Arn, c.StageArn, c.SessionID, c.Encoders[0].ParticipantID
		}
	}
	body := fmt.Sprintf(`{"ingestConfiguration":%q,"encoder":"A","errorCode":"BITRATE_EXCEEDED"}`, arn)
	resp, err = v.srv.Client().Post(v.srv.URL+"/_emulator/encoder/drop", "application/json", strings.NewReader(body))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("drop: %v %v", err, resp)
	}
	resp.Body.Close()
	col := &collector{}
	c := New(v.sqs, v.url, Options{Region: "us-east-1", Wait: time.Second})
	// The queue also carries the demo's compositions' events: count the
	// drop's own.
	ofDrop := func() []Event {
		var out []Event
		for _, e := range col.events() {
			if e.DetailType != DetailCompositionState {
				out = append(out, e)
			}
		}
		return out
	}
	run(t, c, col.apply, func() bool { return len(ofDrop()) == 3 && v.left() == 0 })
	byName := map[string]Event{}
	for _, e := range ofDrop() {
		byName[e.Name] = e
	}
	pe := byName[ParticipantPublishError]
	if pe.DetailType != DetailStageUpdate || pe.ErrorCode != "BITRATE_EXCEEDED" || pe.StageArn != stage || pe.SessionID != session ||
		pe.ParticipantID != pid || pe.UserID == "" || pe.Time.IsZero() {
		t.Fatalf("publish error: %+v", pe)
	}
	if u := byName[ParticipantUnpublished]; u.ParticipantID != pid || u.ErrorCode != "" {
		t.Fatalf("unpublished: %+v", u)
	}
	if r := byName[RecordingEnd]; r.DetailType != DetailRecordingState || r.ParticipantID != pid {
		t.Fatalf("recording end: %+v", r)
	}
}

func TestParseCompositionAndSNS(t *testing.T) {
	comp := `{"version":"0","id":"c1","detail-type":"IVS Composition State Change","source":"aws.ivs","account":"123456789012",
	"time":"2026-05-01T12:00:00Z","region":"eu-west-1","resources":["arn:aws:ivs:eu-west-1:123456789012:composition/AbCd"],
	"detail":{"event_name":"Destination Failure","stage_arn":"arn:aws:ivs:eu-west-1:123456789012:stage/EfGh","destination_id":"dst1","error_code":"X","n":3}}`
	e, err := Parse(comp)
	if err != nil {
		t.Fatal(err)
	}
	if e.CompositionArn != "arn:aws:ivs:eu-west-1:123456789012:composition/AbCd" || e.StageArn != "arn:aws:ivs:eu-west-1:123456789012:stage/EfGh" ||
		e.Name != DestinationFailure || e.Detail["destination_id"] != "dst1" || e.ErrorCode != "X" ||
		!e.Time.Equal(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)) || e.Region != "eu-west-1" {
		t.Fatalf("composition: %+v", e)
	}
	wrapped, _ := json.Marshal(map[string]string{"Type": "Notification", "MessageId": "m", "Message": comp})
	if e2, err := Parse(string(wrapped)); err != nil || e2.ID != "c1" {
		t.Fatalf("through SNS: %+v %v", e2, err)
	}
}

func TestDedupWindowAndSize(t *testing.T) {
	d := newDedup(time.Minute, 3)
	t0 := time.Now()
	for i, id := range []string{"a", "b", "c"} {
		d.add(id, t0.Add(time.Duration(i)*time.Second))
	}
	if !d.has("a", t0.Add(5*time.Second)) || d.has("a", t0.Add(2*time.Minute)) {
		t.Fatal("window")
	}
	d.add("d", t0.Add(4*time.Second)) // over the size: a goes
	if d.has("a", t0.Add(5*time.Second)) || !d.has("d", t0.Add(5*time.Second)) || len(d.at) != 3 {
		t.Fatalf("size: %v", d.at)
	}
	d.add("e", t0.Add(90*time.Second)) // b, c expired
	if len(d.at) > 3 || d.has("b", t0.Add(90*time.Second)) {
		t.Fatalf("expiry: %v", d.at)
	}
}

// With the emulator duplicating and reordering every event, apply still
// sees each event once, each batch in time order.
func TestEmulatorFaultsAreAbsorbed(t *testing.T) {
	v := newEnv(t, emulator.SeedEmpty, "")
	if err := v.emu.SetEventFaults(emulator.EventFaults{Duplicate: 1, Reorder: 0.5, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	resp, err := v.srv.Client().Post(v.srv.URL+"/CreateStage", "application/json", strings.NewReader(`{"name":"s"}`))
	if err != nil {
		t.Fatal(err)
	}
	var created struct{ Stage struct{ Arn string } }
	_ = json.NewDecoder(resp.Body).Decode(&created)
	resp.Body.Close()
	for range 3 {
		body := fmt.Sprintf(`{"stage":%q,"count":1,"published":true}`, created.Stage.Arn)
		resp, err := v.srv.Client().Post(v.srv.URL+"/_emulator/participants/add", "application/json", strings.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("add: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	col := &collector{}
	c := New(v.sqs, v.url, Options{Region: "us-east-1", Wait: time.Second})
	run(t, c, col.apply, func() bool { return c.Status().Duplicates == 3 && v.left() == 0 })
	evs := col.events()
	ids := map[string]bool{}
	for _, e := range evs {
		if ids[e.ID] || e.Name != ParticipantPublished || e.StageArn != created.Stage.Arn {
			t.Fatalf("applied: %+v", evs)
		}
		ids[e.ID] = true
	}
	if len(evs) != 3 {
		t.Fatalf("applied %d events", len(evs))
	}
}
