package events

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/greenroom-dev/greenroom/internal/metrics"
)

// SQSAPI is what a Consumer needs of an SQS client (*sqs.Client has it).
type SQSAPI interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error)
}

// NewClient returns an SQS client with cfg's credentials and region (the
// same chain as the IVS client); endpoint, when set, overrides AWS's (the
// emulator's URL).
func NewClient(cfg aws.Config, endpoint string) *sqs.Client {
	return sqs.NewFromConfig(cfg, func(o *sqs.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
}

// Defaults of Options.
const (
	DefaultSilentAfter = 10 * time.Minute
	DefaultWait        = 20 * time.Second // SQS's longest long poll
	DefaultDedupWindow = time.Hour
	DefaultDedupSize   = 50000
)

// Options configure a Consumer. Zero values take the defaults.
type Options struct {
	Region      string        // for metrics and logs; events carry their own region
	SilentAfter time.Duration // Status says "silent" after this long without an event (DefaultSilentAfter)
	Wait        time.Duration // long-poll wait, whole seconds, at most 20 s (DefaultWait)
	DedupWindow time.Duration // an event id seen within this window is a duplicate (DefaultDedupWindow)
	DedupSize   int           // at most this many ids remembered (DefaultDedupSize)
	Logger      *slog.Logger
	Now         func() time.Time // tests
}

// States of Status.
const (
	StateOK          = "ok"
	StateUnreachable = "unreachable" // the last receive failed
	StateSilent      = "silent"      // receives work, but no event for SilentAfter
)

// Status is the feed's health, for /readyz and the board. The caller
// decides what to do (e.g. poll faster while unreachable or silent).
type Status struct {
	State         string
	LastReceive   time.Time // last successful ReceiveMessage
	LastEvent     time.Time // when an event last arrived (wall clock)
	LastEventTime time.Time // the newest event's own time
	LastError     string    // the last receive, delete or apply error ("" none yet)
	LastErrorAt   time.Time
	Applied       int64 // events applied
	Duplicates    int64 // deliveries dropped as duplicates
	Unparseable   int64 // messages deleted unread
}

// Consumer reads one region's event queue. Run it once; Status is safe to
// call from any goroutine.
type Consumer struct {
	client   SQSAPI
	queueURL string
	opts     Options
	log      *slog.Logger
	now      func() time.Time

	mu        sync.Mutex
	status    Status
	started   time.Time
	failing   bool   // the last receive failed
	seen      *dedup // used by Run's goroutine only
	applied   prometheus.Counter
	duplicate prometheus.Counter
	unparsed  prometheus.Counter
	recvErrs  prometheus.Counter
}

// New returns a Consumer of the queue at queueURL.
func New(client SQSAPI, queueURL string, opts Options) *Consumer {
	if opts.SilentAfter <= 0 {
		opts.SilentAfter = DefaultSilentAfter
	}
	if opts.Wait <= 0 || opts.Wait > DefaultWait {
		opts.Wait = DefaultWait
	}
	if opts.DedupWindow <= 0 {
		opts.DedupWindow = DefaultDedupWindow
	}
	if opts.DedupSize <= 0 {
		opts.DedupSize = DefaultDedupSize
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := opts.Region
	return &Consumer{client: client, queueURL: queueURL, opts: opts, now: opts.Now,
		log:       opts.Logger.With("component", "events", "region", r),
		started:   opts.Now(),
		seen:      newDedup(opts.DedupWindow, opts.DedupSize),
		applied:   metrics.EventMessages.WithLabelValues(r, "applied"),
		duplicate: metrics.EventMessages.WithLabelValues(r, "duplicate"),
		unparsed:  metrics.EventMessages.WithLabelValues(r, "unparseable"),
		recvErrs:  metrics.EventReceiveErrors.WithLabelValues(r),
	}
}

// Status reports the feed's health now.
func (c *Consumer) Status() Status {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.status
	since := c.started
	if s.LastEvent.After(since) {
		since = s.LastEvent
	}
	switch {
	case c.failing:
		s.State = StateUnreachable
	case c.now().Sub(since) >= c.opts.SilentAfter:
		s.State = StateSilent
	default:
		s.State = StateOK
	}
	return s
}

// Healthy says whether the feed can be relied on now (the watcher's
// EventSource): not while the queue does not answer, nor when no event
// came for SilentAfter; why says which, in words for the board.
func (c *Consumer) Healthy() (bool, string) {
	st := c.Status()
	switch st.State {
	case StateUnreachable:
		return false, fmt.Sprintf("the queue has not answered since %s (%s)", st.LastErrorAt.UTC().Format("15:04:05 UTC"), st.LastError)
	case StateSilent:
		return false, fmt.Sprintf("no event for %g minutes", c.opts.SilentAfter.Minutes())
	}
	return true, ""
}

// Run long-polls the queue until ctx ends, and returns ctx's error. Each
// batch's events, without duplicates and in time order, go to apply; their
// messages are deleted only once apply returned nil (otherwise SQS delivers
// them again after the queue's visibility timeout). Unparseable messages
// are logged (by message id) and deleted.
func (c *Consumer) Run(ctx context.Context, apply func(context.Context, []Event) error) error {
	c.mu.Lock()
	c.started = c.now()
	c.mu.Unlock()
	backoff := time.Second
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		out, err := c.client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:                    aws.String(c.queueURL),
			MaxNumberOfMessages:         10,
			WaitTimeSeconds:             int32(c.opts.Wait / time.Second),
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"ApproximateReceiveCount"},
		})
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c.receiveFailed(err)
			if !sleep(ctx, backoff) {
				return ctx.Err()
			}
			backoff = min(backoff*2, 30*time.Second)
			continue
		}
		backoff = time.Second
		c.mu.Lock()
		if c.failing {
			c.log.Info("events: queue reachable again")
		}
		c.failing = false
		c.status.LastReceive = c.now()
		c.mu.Unlock()
		c.handle(ctx, out.Messages, apply)
	}
}

func (c *Consumer) receiveFailed(err error) {
	c.recvErrs.Inc()
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.failing {
		c.log.Warn("events: receive failed", "queueUrl", c.queueURL, "err", err)
	}
	c.failing = true
	c.status.LastError = "receive: " + err.Error()
	c.status.LastErrorAt = c.now()
}

type delivery struct {
	ev     Event
	handle string
}

// handle applies one batch and deletes what may go.
func (c *Consumer) handle(ctx context.Context, msgs []sqstypes.Message, apply func(context.Context, []Event) error) {
	if len(msgs) == 0 {
		return
	}
	var (
		done   []string // receipt handles to delete whatever apply says
		fresh  []delivery
		inSelf = map[string]bool{}
	)
	now := c.now()
	for _, m := range msgs {
		id, handle := aws.ToString(m.MessageId), aws.ToString(m.ReceiptHandle)
		ev, err := Parse(aws.ToString(m.Body))
		if err != nil {
			// The body may hold user ids: log the message id only.
			c.log.Warn("events: unparseable message deleted", "messageId", id, "err", errKind(err))
			c.unparsed.Inc()
			c.count(func(s *Status) { s.Unparseable++ })
			done = append(done, handle)
			continue
		}
		ev.MessageID = id
		if inSelf[ev.ID] || c.seen.has(ev.ID, now) {
			c.duplicate.Inc()
			c.count(func(s *Status) { s.Duplicates++ })
			done = append(done, handle)
			continue
		}
		inSelf[ev.ID] = true
		fresh = append(fresh, delivery{ev, handle})
	}
	if len(fresh) > 0 {
		slices.SortStableFunc(fresh, func(a, b delivery) int { return a.ev.Time.Compare(b.ev.Time) })
		evs := make([]Event, len(fresh))
		for i, d := range fresh {
			evs[i] = d.ev
		}
		if err := apply(ctx, evs); err != nil {
			// Left in the queue: SQS delivers them again after the visibility timeout.
			c.log.Warn("events: apply failed; the events will be delivered again", "events", len(evs), "err", err)
			c.mu.Lock()
			c.status.LastError = "apply: " + err.Error()
			c.status.LastErrorAt = c.now()
			c.mu.Unlock()
		} else {
			now := c.now()
			c.mu.Lock()
			for _, d := range fresh {
				c.seen.add(d.ev.ID, now)
				c.applied.Inc()
				c.status.Applied++
				if d.ev.Time.After(c.status.LastEventTime) {
					c.status.LastEventTime = d.ev.Time
				}
				done = append(done, d.handle)
			}
			c.status.LastEvent = now
			c.mu.Unlock()
		}
	}
	c.delete(ctx, done)
}

func (c *Consumer) count(f func(*Status)) {
	c.mu.Lock()
	f(&c.status)
	c.mu.Unlock()
}

// delete removes handled messages (at most 10: one receive's worth).
func (c *Consumer) delete(ctx context.Context, handles []string) {
	if len(handles) == 0 {
		return
	}
	entries := make([]sqstypes.DeleteMessageBatchRequestEntry, len(handles))
	for i, h := range handles {
		entries[i] = sqstypes.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: aws.String(h)}
	}
	out, err := c.client.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(c.queueURL), Entries: entries})
	if err == nil && len(out.Failed) > 0 {
		err = errors.New(aws.ToString(out.Failed[0].Code) + ": " + aws.ToString(out.Failed[0].Message))
	}
	if err != nil && ctx.Err() == nil {
		// Applied events that come back are recognised as duplicates.
		c.log.Warn("events: delete failed; the messages will come back", "messages", len(handles), "err", err)
		c.mu.Lock()
		c.status.LastError = "delete: " + err.Error()
		c.status.LastErrorAt = c.now()
		c.mu.Unlock()
	}
}

// errKind describes a parse error without quoting the body.
func errKind(err error) string {
	if errors.Is(err, errNotIVS) {
		return err.Error()
	}
	return "malformed JSON or EventBridge envelope"
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// dedup remembers event ids for a window, at most size of them, evicting
// the oldest first.
type dedup struct {
	window time.Duration
	size   int
	at     map[string]time.Time
	order  []string // insertion order; a ring would do, a slice is simpler
	head   int
}

func newDedup(window time.Duration, size int) *dedup {
	return &dedup{window: window, size: size, at: map[string]time.Time{}}
}

func (d *dedup) has(id string, now time.Time) bool {
	t, ok := d.at[id]
	return ok && now.Sub(t) < d.window
}

func (d *dedup) add(id string, now time.Time) {
	if _, ok := d.at[id]; !ok {
		d.order = append(d.order, id)
	}
	d.at[id] = now
	// Evict expired ids and any beyond the size, oldest first.
	for d.head < len(d.order) {
		old := d.order[d.head]
		t, ok := d.at[old]
		if ok && len(d.at) <= d.size && now.Sub(t) < d.window {
			break
		}
		delete(d.at, old)
		d.head++
	}
	if d.head > len(d.order)/2 && d.head > 1024 {
		d.order = append([]string(nil), d.order[d.head:]...)
		d.head = 0
	}
}
