package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Store is what the Notifier needs of the history store: reading alert
// history and the durable outbox. history.SQLiteStore and
// history.PostgresStore implement it.
type Store interface {
	Query(ctx context.Context, f history.Filter) ([]history.Transition, error)
	EnqueueAlert(ctx context.Context, source int64, alert history.Transition, ds []history.Delivery) (history.Transition, int, error)
	DueDeliveries(ctx context.Context, target string, now time.Time, limit int) ([]history.Delivery, time.Time, error)
	UpdateDelivery(ctx context.Context, d history.Delivery, note *history.Transition) error
}

var (
	_ Store = (*history.SQLiteStore)(nil)
	_ Store = (*history.PostgresStore)(nil)
)

// Options tune a Notifier. Zero values take the defaults.
type Options struct {
	// Client sends the requests. The default follows no redirect (a 3xx is
	// a permanent failure: the target is misconfigured) and relies on the
	// per-attempt timeout.
	Client *http.Client
	Logger *slog.Logger     // default slog.Default()
	Now    func() time.Time // default time.Now: queue times and due times
	// ConsoleURL is the console's external address, for links
	// ("https://greenroom.example.com"); "" sends no link.
	ConsoleURL string

	AttemptTimeout time.Duration // per request; default 5 s
	MinBackoff     time.Duration // wait after the first failed attempt, doubling; default 1 s
	MaxBackoff     time.Duration // cap of the wait; default 5 min
	MaxAttempts    int           // then the delivery fails; default 20
	GiveUpAfter    time.Duration // after queueing, the delivery fails unsent; default 24 h
}

// Defaults.
const (
	DefaultAttemptTimeout = 5 * time.Second
	DefaultMinBackoff     = time.Second
	DefaultMaxBackoff     = 5 * time.Minute
	DefaultMaxAttempts    = 20
	DefaultGiveUpAfter    = 24 * time.Hour
)

// Notifier queues alerts in the outbox and delivers them to its targets.
type Notifier struct {
	store      Store
	targets    []*target
	client     *http.Client
	log        *slog.Logger
	now        func() time.Time
	consoleURL string
	opts       Options
	running    atomic.Bool
}

// New returns a Notifier for targets (the -notify-webhook values, in
// order). Each must be an absolute http or https URL with a host; the
// error names a bad one by position and, at most, its scheme and host.
// With no targets, Enqueue still records alerts in history.
func New(store Store, targets []string, opts Options) (*Notifier, error) {
	if store == nil {
		return nil, errors.New("notify: a store is required")
	}
	n := &Notifier{store: store, client: opts.Client, log: opts.Logger, now: opts.Now, opts: opts}
	if n.client == nil {
		n.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if n.log == nil {
		n.log = slog.Default()
	}
	if n.now == nil {
		n.now = time.Now
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&n.opts.AttemptTimeout, DefaultAttemptTimeout)
	def(&n.opts.MinBackoff, DefaultMinBackoff)
	def(&n.opts.MaxBackoff, DefaultMaxBackoff)
	def(&n.opts.GiveUpAfter, DefaultGiveUpAfter)
	if n.opts.MaxAttempts <= 0 {
		n.opts.MaxAttempts = DefaultMaxAttempts
	}
	if n.opts.MaxBackoff < n.opts.MinBackoff {
		n.opts.MaxBackoff = n.opts.MinBackoff
	}
	if c := strings.TrimSpace(opts.ConsoleURL); c != "" {
		u, err := url.Parse(c)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, errors.New("notify: the console URL must be an absolute http or https URL")
		}
		n.consoleURL = strings.TrimRight(c, "/")
	}
	seen := map[string]int{}
	for i, raw := range targets {
		u, err := parseTarget(raw)
		if err != nil {
			return nil, fmt.Errorf("notify: webhook target %d %s", i+1, err.Error())
		}
		id := targetID(raw)
		if j, dup := seen[id]; dup {
			return nil, fmt.Errorf("notify: webhook target %d (%s) repeats target %d", i+1, redacted(u), j)
		}
		seen[id] = i + 1
		n.targets = append(n.targets, &target{url: strings.TrimSpace(raw), id: id, host: u.Host, index: i + 1,
			wake: make(chan struct{}, 1)})
	}
	return n, nil
}

// Notify enqueues the alert t raises, if any (see AlertFor), and reports
// whether there was one. t must be the transition as the store returned it
// from Append (with its ID). Call it in order for each configuration: the
// resolved message's "for how long" reads the alerts enqueued before it.
func (n *Notifier) Notify(ctx context.Context, t history.Transition) (bool, error) {
	a, ok := AlertFor(t, n.consoleURL)
	if !ok {
		return false, nil
	}
	return true, n.Enqueue(ctx, a)
}

// Enqueue records a (a KindAlert transition) and queues one delivery per
// target, in one transaction, then wakes the workers. Enqueuing the same
// transition again (a replay after a restart) records and sends nothing
// new. It completes a from history first, rewriting Title and Text: the
// stage's name (from its latest session transition) in place of its id,
// and, for a resolved alert without FiredAt, when the key's alert fired (its
// KindAlert transitions), to say for how long.
func (n *Notifier) Enqueue(ctx context.Context, a Alert) error {
	if a.TransitionID <= 0 || a.Key == "" || (a.Status != StatusFiring && a.Status != StatusResolved) {
		return errors.New("notify: an alert needs a transition id, a key and a status (firing or resolved)")
	}
	if a.Since.IsZero() {
		a.Since = n.now()
	}
	prev, last, first, err := n.previous(ctx, a)
	if err != nil {
		return err
	}
	rerender := false
	if a.Status == StatusResolved && a.FiredAt.IsZero() && !last.IsZero() {
		a.FiredAt, a.FirstFiredAt = last, first
		rerender = true
	}
	if a.StageARN != "" && (a.Stage == "" || a.Stage == ivs.IDFromARN(a.StageARN)) {
		name, err := n.stageName(ctx, a.StageARN)
		if err != nil {
			return err
		}
		if name != "" && name != a.Stage {
			a.Stage, rerender = name, true
		}
	}
	if rerender {
		a.render()
	}
	body, err := PayloadFor(a).encode()
	if err != nil {
		return fmt.Errorf("notify: encode %s alert for %s: %w", a.Status, a.Key, err)
	}
	record := history.Transition{
		Time: a.Since, Region: a.Region, Kind: history.KindAlert, Subject: a.Key, SubjectName: a.Configuration,
		StageARN: a.StageARN, SessionID: a.SessionID, From: prev, To: a.Status, Cause: a.Cause,
		Detail: a.Severity + ": " + a.Title + ": " + a.Text,
	}
	now := n.now()
	ds := make([]history.Delivery, 0, len(n.targets))
	for _, t := range n.targets {
		ds = append(ds, history.Delivery{Target: t.id, TargetIndex: t.index, TargetHost: t.host,
			Key: a.Key, KeyName: a.Configuration, Region: a.Region, StageARN: a.StageARN, SessionID: a.SessionID,
			Payload: body, Created: now, NextAttempt: now})
	}
	_, added, err := n.store.EnqueueAlert(ctx, a.TransitionID, record, ds)
	if err != nil {
		return fmt.Errorf("notify: enqueue %s alert for %s: %w", a.Status, a.Key, err)
	}
	if added > 0 {
		for _, t := range n.targets {
			select {
			case t.wake <- struct{}{}:
			default:
			}
		}
	}
	return nil
}

// previous reads the key's alert history before a: its latest status ("" if
// none), when it last fired, and when it first fired since it was last
// resolved.
func (n *Notifier) previous(ctx context.Context, a Alert) (status string, last, first time.Time, err error) {
	ts, err := n.store.Query(ctx, history.Filter{Subject: a.Key, Kinds: []history.Kind{history.KindAlert}, Limit: 50})
	if err != nil {
		return "", time.Time{}, time.Time{}, fmt.Errorf("notify: read alert history of %s: %w", a.Key, err)
	}
	for _, t := range ts {
		if !t.Time.Before(a.Since) {
			continue // this alert itself (a replay), or one recorded out of order
		}
		if status == "" {
			status = t.To
		}
		if t.To != StatusFiring {
			break
		}
		if last.IsZero() {
			last = t.Time
		}
		first = t.Time
	}
	return status, last, first, nil
}

// stageName is the stage's display name as its latest session transition
// recorded it ("" if none).
func (n *Notifier) stageName(ctx context.Context, stageARN string) (string, error) {
	ts, err := n.store.Query(ctx, history.Filter{StageARN: stageARN, Kinds: []history.Kind{history.KindSession}, Limit: 1})
	if err != nil {
		return "", fmt.Errorf("notify: read the name of stage %s: %w", stageARN, err)
	}
	if len(ts) == 0 {
		return "", nil
	}
	return ts[0].SubjectName, nil
}

// Run delivers pending deliveries until ctx is done, then returns ctx's
// error once the requests under way have had their answer (at most
// AttemptTimeout later) and their outcome is recorded: one worker per
// target, so a slow target does not hold up the others. Deliveries left
// pending by an earlier run (a restart) are picked up. Run must not be
// called twice at once.
func (n *Notifier) Run(ctx context.Context) error {
	if !n.running.CompareAndSwap(false, true) {
		return errors.New("notify: Run is already running")
	}
	defer n.running.Store(false)
	var wg sync.WaitGroup
	for _, t := range n.targets {
		wg.Go(func() { n.work(ctx, t) })
	}
	<-ctx.Done()
	wg.Wait()
	return ctx.Err()
}

const (
	// batchSize keeps a batch's attempts (at most AttemptTimeout each)
	// within the shared store's claim lease (history.claimLease).
	batchSize    = 10
	idlePoll     = time.Minute     // in case a wake-up was missed
	storeBackoff = 2 * time.Second // after the store failed
)

// work delivers one target's due deliveries, oldest first, and sleeps
// until the next is due or Enqueue wakes it.
func (n *Notifier) work(ctx context.Context, t *target) {
	timer := time.NewTimer(idlePoll)
	defer timer.Stop()
	for ctx.Err() == nil {
		wait := idlePoll
		due, next, err := n.store.DueDeliveries(ctx, t.id, n.now(), batchSize)
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return
			}
			n.log.Error("notify: reading the outbox failed", "target", t.index, "host", t.host, "error", err)
			wait = storeBackoff
		case len(due) > 0:
			ok := true
			for _, d := range due {
				if ctx.Err() != nil {
					return
				}
				ok = n.attempt(ctx, t, d) && ok
			}
			if ok {
				continue // the next of each key may be due now
			}
			wait = storeBackoff
		case !next.IsZero():
			wait = max(min(next.Sub(n.now()), idlePoll), time.Millisecond)
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-t.wake:
		case <-timer.C:
		}
	}
}

// outcome of one attempt.
type outcome int

const (
	delivered outcome = iota
	retryable
	permanent
)

// attempt sends d once and records the outcome; false if it could not be
// recorded (the delivery stays as it was and will be tried again).
func (n *Notifier) attempt(ctx context.Context, t *target, d history.Delivery) bool {
	from := history.NotificationPending
	if d.Attempts > 0 {
		from = history.NotificationRetrying
	}
	note := &history.Transition{Kind: history.KindNotification, Region: d.Region, Subject: d.Key,
		SubjectName: d.KeyName, StageARN: d.StageARN, SessionID: d.SessionID, From: from}
	where := fmt.Sprintf("target %d (%s), transition %d", t.index, t.host, d.TransitionID)
	logAttrs := []any{"target", t.index, "host", t.host, "transition", d.TransitionID, "key", d.Key}

	if age := n.now().Sub(d.Created); age >= n.opts.GiveUpAfter {
		d.Status, d.LastError = history.DeliveryFailed, "not delivered within "+formatDuration(n.opts.GiveUpAfter)
		note.To = history.NotificationFailed
		note.Detail = fmt.Sprintf("%s, after %d attempts: given up, queued %s ago", where, d.Attempts, formatDuration(age))
		n.log.Error("notify: delivery given up unsent", append(logAttrs, "attempts", d.Attempts, "age", age.String())...)
		return n.update(ctx, d, note)
	}

	d.Attempts++
	res, code, retryAfter, why := n.send(ctx, t, d)
	note.Cause = why
	logAttrs = append(logAttrs, "attempt", d.Attempts, "result", why)
	switch {
	case res == delivered:
		d.Status, d.LastError = history.DeliveryDelivered, ""
		note.To = history.NotificationDelivered
		note.Detail = fmt.Sprintf("%s, attempt %d: delivered (HTTP %d)", where, d.Attempts, code)
		n.log.Info("notify: delivered", logAttrs...)
	case res == permanent:
		d.Status, d.LastError = history.DeliveryFailed, why
		note.To = history.NotificationFailed
		note.Detail = fmt.Sprintf("%s, attempt %d: %s; not retried", where, d.Attempts, why)
		n.log.Error("notify: delivery refused by the target; not retried", logAttrs...)
	case d.Attempts >= n.opts.MaxAttempts || n.now().Sub(d.Created) >= n.opts.GiveUpAfter:
		d.Status, d.LastError = history.DeliveryFailed, why
		note.To = history.NotificationFailed
		note.Detail = fmt.Sprintf("%s, attempt %d: %s; given up", where, d.Attempts, why)
		n.log.Error("notify: delivery given up", logAttrs...)
	default:
		wait := n.backoff(d.Attempts, retryAfter)
		d.Status, d.LastError, d.NextAttempt = history.DeliveryPending, why, n.now().Add(wait)
		note.To = history.NotificationRetrying
		note.Detail = fmt.Sprintf("%s, attempt %d: %s; retrying in %s", where, d.Attempts, why, formatDuration(wait))
		n.log.Warn("notify: delivery failed; will retry", append(logAttrs, "retry_in", wait.String())...)
		if d.Attempts > 1 {
			note = nil // history says "retrying" once; the log says every time
		}
	}
	return n.update(ctx, d, note)
}

func (n *Notifier) update(ctx context.Context, d history.Delivery, note *history.Transition) bool {
	if err := n.store.UpdateDelivery(ctx, d, note); err != nil {
		n.log.Error("notify: recording a delivery's outcome failed", "transition", d.TransitionID, "key", d.Key, "error", err)
		return false
	}
	return true
}

// send makes one request. why is the outcome in plain words, without the
// URL: "HTTP 503", "no answer within 5 s", "connection refused". A request
// under way when ctx ends runs to its answer or its timeout: cut short, the
// receiver might have the message without the outbox knowing, and it
// would go again after the restart.
func (n *Notifier) send(ctx context.Context, t *target, d history.Delivery) (res outcome, code int, retryAfter time.Duration, why string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), n.opts.AttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(d.Payload))
	if err != nil {
		return permanent, 0, 0, "the request could not be built"
	}
	id := fmt.Sprintf("%d-%d", d.TransitionID, d.TargetIndex)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Greenroom-Notify/1")
	req.Header.Set("X-Greenroom-Delivery", id)
	req.Header.Set("Idempotency-Key", id)
	resp, err := n.client.Do(req)
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.DeadlineExceeded) {
			return retryable, 0, 0, "no answer within " + formatDuration(n.opts.AttemptTimeout)
		}
		return retryable, 0, 0, n.describe(t, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	code = resp.StatusCode
	why = "HTTP " + strconv.Itoa(code)
	switch {
	case code >= 200 && code < 300:
		return delivered, code, 0, why
	case code == http.StatusTooManyRequests || code >= 500:
		return retryable, code, parseRetryAfter(resp.Header.Get("Retry-After"), n.now()), why
	}
	return permanent, code, 0, why
}

// describe is a transport error in words, with the URL taken out (an
// *url.Error quotes it whole).
func (n *Notifier) describe(t *target, err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	s := err.Error()
	s = strings.ReplaceAll(s, t.url, t.host)
	if u, perr := url.Parse(t.url); perr == nil {
		for _, secret := range []string{u.RequestURI(), u.EscapedPath(), u.RawQuery} {
			if secret != "" && secret != "/" {
				s = strings.ReplaceAll(s, secret, "/…")
			}
		}
	}
	return ivs.RedactStreamKeys(s)
}

// backoff is the wait after the attempt-th failure: MinBackoff doubled
// each time, capped at MaxBackoff, less up to 20 % of jitter; longer if the
// target asked (Retry-After), within the cap.
func (n *Notifier) backoff(attempt int, retryAfter time.Duration) time.Duration {
	d := n.opts.MinBackoff
	for i := 1; i < attempt && d < n.opts.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, n.opts.MaxBackoff)
	d -= rand.N(d/5 + 1)
	if retryAfter > d {
		d = min(retryAfter, n.opts.MaxBackoff)
	}
	return d
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
