package emulator

import (
	"context"
	"crypto/md5"
	crand "crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The emulator serves a small Amazon SQS (the AWS JSON 1.0 protocol of the
// Go SDK's service/sqs: X-Amz-Target "AmazonSQS.<Operation>") on the same
// handler, so the console can consume IVS's EventBridge events the way ops
// teams route them: an EventBridge rule for source aws.ivs targeting a
// queue. Queues live per region (the SigV4 scope, like the IVS worlds) and
// are at-least-once: a received message that is not deleted comes back once
// its visibility timeout has passed. Timing is wall-clock (long polling and
// visibility are about real request timing), whatever the emulator's Clock.

// DefaultEventQueue is the queue the emulator puts IVS's events in, in every
// region: http://<host>/<account>/ivs-events.
const DefaultEventQueue = "ivs-events"

const (
	sqsDefaultVisibility = 30 * time.Second
	sqsMaxWait           = 20 // seconds
	sqsMaxVisibility     = 43200
	sqsMaxMessages       = 10000 // per queue; the oldest go first (retention)
	sqsMaxQueues         = 256
	sqsMaxBody           = 256 << 10
)

type sqsService struct {
	mu     sync.Mutex
	queues map[string]*sqsQueue // region + "/" + name
}

type sqsQueue struct {
	region, name string
	created      time.Time
	visibility   time.Duration
	waitDefault  int
	msgs         []*sqsMessage // send order
	changed      chan struct{} // closed (and replaced) when a message is sent
}

type sqsMessage struct {
	id, body, md5 string
	sent          time.Time
	visibleAt     time.Time
	firstReceive  time.Time
	receives      int
	handle        string // the latest receipt handle
}

func newSQSService() *sqsService { return &sqsService{queues: map[string]*sqsQueue{}} }

// queue returns the named queue of a region; the default event queue exists
// in every region.
func (s *sqsService) queue(region, name string) *sqsQueue {
	q := s.queues[region+"/"+name]
	if q == nil && name == DefaultEventQueue {
		q, _ = s.create(region, name, nil)
	}
	return q
}

func (s *sqsService) create(region, name string, attrs map[string]string) (*sqsQueue, error) {
	if q := s.queues[region+"/"+name]; q != nil {
		return q, nil
	}
	if len(s.queues) >= sqsMaxQueues {
		return nil, sqsErr("OverLimit", "The emulator holds at most %d queues", sqsMaxQueues)
	}
	q := &sqsQueue{region: region, name: name, created: time.Now(), visibility: sqsDefaultVisibility, changed: make(chan struct{})}
	if v, ok := attrs["VisibilityTimeout"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > sqsMaxVisibility {
			return nil, sqsErr("InvalidAttributeValue", "Invalid value for the parameter VisibilityTimeout.")
		}
		q.visibility = time.Duration(n) * time.Second
	}
	if v, ok := attrs["ReceiveMessageWaitTimeSeconds"]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > sqsMaxWait {
			return nil, sqsErr("InvalidAttributeValue", "Invalid value for the parameter ReceiveMessageWaitTimeSeconds.")
		}
		q.waitDefault = n
	}
	s.queues[region+"/"+name] = q
	return q, nil
}

// send appends a message visible after delay. Callers hold s.mu.
func (q *sqsQueue) send(body string, delay time.Duration) *sqsMessage {
	now := time.Now()
	sum := md5.Sum([]byte(body))
	m := &sqsMessage{id: newUUID(), body: body, md5: hex.EncodeToString(sum[:]), sent: now, visibleAt: now.Add(delay)}
	if len(q.msgs) >= sqsMaxMessages {
		q.msgs = q.msgs[1:]
	}
	q.msgs = append(q.msgs, m)
	close(q.changed)
	q.changed = make(chan struct{})
	return m
}

// newUUID is a random (version 4) UUID, the shape of SQS message ids and
// EventBridge event ids.
func newUUID() string {
	var b [16]byte
	_, _ = crand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// sqsError is an AWS JSON 1.0 error of SQS.
type sqsError struct {
	code, msg string
	status    int
}

func (e *sqsError) Error() string { return e.code + ": " + e.msg }

func sqsErr(code, format string, args ...any) *sqsError {
	return &sqsError{code, fmt.Sprintf(format, args...), http.StatusBadRequest}
}

// queryCodes are the legacy codes SQS sends in X-Amzn-Query-Error.
var queryCodes = map[string]string{
	"QueueDoesNotExist":      "AWS.SimpleQueueService.NonExistentQueue",
	"ReceiptHandleIsInvalid": "ReceiptHandleIsInvalid",
}

func writeSQSError(w http.ResponseWriter, err *sqsError) {
	h := w.Header()
	h.Set("Content-Type", "application/x-amz-json-1.0")
	qc := queryCodes[err.code]
	if qc == "" {
		qc = err.code
	}
	fault := "Sender"
	if err.status >= 500 {
		fault = "Receiver"
	}
	h.Set("X-Amzn-Query-Error", qc+";"+fault)
	w.WriteHeader(err.status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": "com.amazonaws.sqs#" + err.code, "message": err.msg})
}

// serveSQS answers one SQS request.
func (e *Emulator) serveSQS(w http.ResponseWriter, r *http.Request, target string) {
	op := strings.TrimPrefix(target, "AmazonSQS.")
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, sqsMaxBody+64<<10))
	if err != nil {
		writeSQSError(w, sqsErr("InvalidParameterValue", "Could not read the request body"))
		return
	}
	c := &sqsCall{e: e, s: e.sqs, region: regionOf(r), host: r.Host, body: body, ctx: r.Context()}
	var out any
	switch op {
	case "CreateQueue":
		out, err = c.createQueue()
	case "GetQueueUrl":
		out, err = c.getQueueURL()
	case "SendMessage":
		out, err = c.sendMessage()
	case "ReceiveMessage":
		out, err = c.receiveMessage()
	case "DeleteMessage":
		out, err = c.deleteMessage()
	case "DeleteMessageBatch":
		out, err = c.deleteMessageBatch()
	case "GetQueueAttributes":
		out, err = c.getQueueAttributes()
	default:
		err = sqsErr("UnsupportedOperation", "The emulator does not support %s", op)
	}
	if err != nil {
		se, ok := err.(*sqsError)
		if !ok {
			if r.Context().Err() != nil {
				return // the client went away during a long poll
			}
			se = &sqsError{"InternalError", "An internal error occurred", http.StatusInternalServerError}
		}
		writeSQSError(w, se)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	_ = json.NewEncoder(w).Encode(out)
}

type sqsCall struct {
	e      *Emulator
	s      *sqsService
	ctx    context.Context
	region string
	host   string
	body   []byte
}

func (c *sqsCall) decode(v any) error {
	if len(c.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return sqsErr("InvalidParameterValue", "The request body is not valid JSON: %v", err)
	}
	return nil
}

func (c *sqsCall) url(q *sqsQueue) string {
	return "http://" + c.host + "/" + c.e.opts.AccountID + "/" + q.name
}

// queueOf resolves a queue URL: its last path segment names the queue and
// the one before it the account. Callers hold s.mu.
func (c *sqsCall) queueOf(u string) (*sqsQueue, error) {
	if u == "" {
		return nil, sqsErr("MissingParameter", "The request must contain the parameter QueueUrl.")
	}
	parts := strings.Split(strings.TrimRight(u, "/"), "/")
	if len(parts) < 2 || parts[len(parts)-2] != c.e.opts.AccountID {
		return nil, sqsErr("QueueDoesNotExist", "The specified queue does not exist.")
	}
	q := c.s.queue(c.region, parts[len(parts)-1])
	if q == nil {
		return nil, sqsErr("QueueDoesNotExist", "The specified queue does not exist.")
	}
	return q, nil
}

func validQueueName(n string) bool {
	if n == "" || len(n) > 80 {
		return false
	}
	for _, r := range n {
		if !(r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func (c *sqsCall) createQueue() (any, error) {
	var in struct {
		QueueName  string
		Attributes map[string]string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if !validQueueName(in.QueueName) {
		return nil, sqsErr("InvalidParameterValue", "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	q, err := c.s.create(c.region, in.QueueName, in.Attributes)
	if err != nil {
		return nil, err
	}
	return map[string]string{"QueueUrl": c.url(q)}, nil
}

func (c *sqsCall) getQueueURL() (any, error) {
	var in struct{ QueueName string }
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	q := c.s.queue(c.region, in.QueueName)
	if q == nil {
		return nil, sqsErr("QueueDoesNotExist", "The specified queue does not exist.")
	}
	return map[string]string{"QueueUrl": c.url(q)}, nil
}

func (c *sqsCall) sendMessage() (any, error) {
	var in struct {
		QueueUrl     string
		MessageBody  string
		DelaySeconds int
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if in.MessageBody == "" {
		return nil, sqsErr("MissingParameter", "The request must contain the parameter MessageBody.")
	}
	if len(in.MessageBody) > sqsMaxBody {
		return nil, sqsErr("InvalidParameterValue", "One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", sqsMaxBody)
	}
	if in.DelaySeconds < 0 || in.DelaySeconds > 900 {
		return nil, sqsErr("InvalidParameterValue", "Value %d for parameter DelaySeconds is invalid. Reason: must be between 0 and 900.", in.DelaySeconds)
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	q, err := c.queueOf(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	m := q.send(in.MessageBody, time.Duration(in.DelaySeconds)*time.Second)
	return map[string]string{"MessageId": m.id, "MD5OfMessageBody": m.md5}, nil
}

type sqsMessageOut struct {
	MessageId     string
	ReceiptHandle string
	MD5OfBody     string
	Body          string
	Attributes    map[string]string `json:",omitempty"`
}

func (c *sqsCall) receiveMessage() (any, error) {
	var in struct {
		QueueUrl                    string
		MaxNumberOfMessages         *int
		WaitTimeSeconds             *int
		VisibilityTimeout           *int
		AttributeNames              []string
		MessageSystemAttributeNames []string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	max := 1
	if in.MaxNumberOfMessages != nil {
		max = *in.MaxNumberOfMessages
		if max < 1 || max > 10 {
			return nil, sqsErr("InvalidParameterValue", "Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", max)
		}
	}
	if in.WaitTimeSeconds != nil && (*in.WaitTimeSeconds < 0 || *in.WaitTimeSeconds > sqsMaxWait) {
		return nil, sqsErr("InvalidParameterValue", "Value %d for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= %d, if provided.", *in.WaitTimeSeconds, sqsMaxWait)
	}
	if in.VisibilityTimeout != nil && (*in.VisibilityTimeout < 0 || *in.VisibilityTimeout > sqsMaxVisibility) {
		return nil, sqsErr("InvalidParameterValue", "Value %d for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= %d, if provided.", *in.VisibilityTimeout, sqsMaxVisibility)
	}
	want := map[string]bool{}
	for _, a := range append(in.AttributeNames, in.MessageSystemAttributeNames...) {
		want[a] = true
	}
	c.s.mu.Lock()
	q, err := c.queueOf(in.QueueUrl)
	if err != nil {
		c.s.mu.Unlock()
		return nil, err
	}
	wait := q.waitDefault
	if in.WaitTimeSeconds != nil {
		wait = *in.WaitTimeSeconds
	}
	vis := q.visibility
	if in.VisibilityTimeout != nil {
		vis = time.Duration(*in.VisibilityTimeout) * time.Second
	}
	deadline := time.Now().Add(time.Duration(wait) * time.Second)
	c.s.mu.Unlock()
	for {
		c.s.mu.Lock()
		next := deadline
		if due := c.e.events.flushHeld(c.region); !due.IsZero() && due.Before(next) {
			next = due
		}
		now := time.Now()
		out := []sqsMessageOut{}
		for _, m := range q.msgs {
			if len(out) == max {
				break
			}
			if m.visibleAt.After(now) {
				if m.visibleAt.Before(next) {
					next = m.visibleAt
				}
				continue
			}
			m.receives++
			if m.firstReceive.IsZero() {
				m.firstReceive = now
			}
			m.visibleAt = now.Add(vis)
			m.handle = newReceiptHandle(m.id, m.receives)
			o := sqsMessageOut{MessageId: m.id, ReceiptHandle: m.handle, MD5OfBody: m.md5, Body: m.body}
			if len(want) > 0 {
				o.Attributes = m.attributes(want)
			}
			out = append(out, o)
		}
		changed := q.changed
		c.s.mu.Unlock()
		if len(out) > 0 || !now.Before(deadline) {
			return map[string]any{"Messages": out}, nil
		}
		t := time.NewTimer(time.Until(next))
		select {
		case <-c.ctx.Done():
			t.Stop()
			return nil, c.ctx.Err()
		case <-changed:
			t.Stop()
		case <-t.C:
		}
	}
}

func (m *sqsMessage) attributes(want map[string]bool) map[string]string {
	all := want["All"]
	a := map[string]string{}
	if all || want["ApproximateReceiveCount"] {
		a["ApproximateReceiveCount"] = strconv.Itoa(m.receives)
	}
	if all || want["SentTimestamp"] {
		a["SentTimestamp"] = strconv.FormatInt(m.sent.UnixMilli(), 10)
	}
	if all || want["ApproximateFirstReceiveTimestamp"] {
		a["ApproximateFirstReceiveTimestamp"] = strconv.FormatInt(m.firstReceive.UnixMilli(), 10)
	}
	if all || want["SenderId"] {
		a["SenderId"] = "AIDAEMULATOREVENTBRIDGE"
	}
	return a
}

// Receipt handles name the message and the receive they come from, plus
// randomness: an earlier handle of a message received again is well formed
// but stale, and deleting with it succeeds without deleting (as SQS may).
func newReceiptHandle(id string, receive int) string {
	var b [12]byte
	_, _ = crand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString([]byte(id + "|" + strconv.Itoa(receive) + "|" + hex.EncodeToString(b[:])))
}

func parseReceiptHandle(h string) (id string, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		return "", false
	}
	f := strings.Split(string(raw), "|")
	if len(f) != 3 {
		return "", false
	}
	return f[0], true
}

// deleteHandle deletes the message whose latest receipt handle is h.
// Callers hold s.mu.
func (q *sqsQueue) deleteHandle(h string) error {
	if _, ok := parseReceiptHandle(h); !ok {
		return sqsErr("ReceiptHandleIsInvalid", "The input receipt handle \"%s\" is not a valid receipt handle.", h)
	}
	for i, m := range q.msgs {
		if m.handle == h {
			q.msgs = append(q.msgs[:i], q.msgs[i+1:]...)
			return nil
		}
	}
	return nil // stale or already deleted: succeeds, deletes nothing
}

func (c *sqsCall) deleteMessage() (any, error) {
	var in struct{ QueueUrl, ReceiptHandle string }
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	q, err := c.queueOf(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	if in.ReceiptHandle == "" {
		return nil, sqsErr("MissingParameter", "The request must contain the parameter ReceiptHandle.")
	}
	return struct{}{}, q.deleteHandle(in.ReceiptHandle)
}

func (c *sqsCall) deleteMessageBatch() (any, error) {
	var in struct {
		QueueUrl string
		Entries  []struct{ Id, ReceiptHandle string }
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if len(in.Entries) == 0 {
		return nil, sqsErr("EmptyBatchRequest", "There should be at least one DeleteMessageBatchRequestEntry in the request.")
	}
	if len(in.Entries) > 10 {
		return nil, sqsErr("TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent %d.", len(in.Entries))
	}
	seen := map[string]bool{}
	for _, en := range in.Entries {
		if seen[en.Id] {
			return nil, sqsErr("BatchEntryIdsNotDistinct", "Id %s repeated.", en.Id)
		}
		seen[en.Id] = true
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	q, err := c.queueOf(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	type ok struct{ Id string }
	type failed struct {
		Id, Code, Message string
		SenderFault       bool
	}
	okOut, failedOut := []ok{}, []failed{}
	for _, en := range in.Entries {
		if err := q.deleteHandle(en.ReceiptHandle); err != nil {
			se := err.(*sqsError)
			failedOut = append(failedOut, failed{en.Id, se.code, se.msg, true})
			continue
		}
		okOut = append(okOut, ok{en.Id})
	}
	return map[string]any{"Successful": okOut, "Failed": failedOut}, nil
}

func (c *sqsCall) getQueueAttributes() (any, error) {
	var in struct {
		QueueUrl       string
		AttributeNames []string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	q, err := c.queueOf(in.QueueUrl)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	visible, inflight, delayed := 0, 0, 0
	for _, m := range q.msgs {
		switch {
		case !m.visibleAt.After(now):
			visible++
		case m.receives > 0:
			inflight++
		default:
			delayed++
		}
	}
	all := map[string]string{
		"ApproximateNumberOfMessages":           strconv.Itoa(visible),
		"ApproximateNumberOfMessagesNotVisible": strconv.Itoa(inflight),
		"ApproximateNumberOfMessagesDelayed":    strconv.Itoa(delayed),
		"VisibilityTimeout":                     strconv.Itoa(int(q.visibility / time.Second)),
		"ReceiveMessageWaitTimeSeconds":         strconv.Itoa(q.waitDefault),
		"CreatedTimestamp":                      strconv.FormatInt(q.created.Unix(), 10),
		"QueueArn":                              "arn:aws:sqs:" + q.region + ":" + c.e.opts.AccountID + ":" + q.name,
	}
	out := map[string]string{}
	for _, n := range in.AttributeNames {
		if n == "All" {
			out = all
			break
		}
		v, ok := all[n]
		if !ok {
			return nil, sqsErr("InvalidAttributeName", "Unknown Attribute %s.", n)
		}
		out[n] = v
	}
	return map[string]any{"Attributes": out}, nil
}
