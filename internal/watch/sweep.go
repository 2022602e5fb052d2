package watch

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/events"
	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Bounds of one sweep's paging: the default quotas are 1,000 stages and 100
// ingest configurations per region, 12 publishers per stage (reconnects
// add rows), 100 items per page.
const (
	maxStagePages     = 10
	maxConfigPages    = 10
	maxPublisherPages = 5
	maxEventPages     = 3
	maxCountPages     = 100 // 10,000 participants
	sweepParallelism  = 4
)

// regionWatcher sweeps one region and remembers what a sweep needs from
// the last one: encoder credentials, session starts, counts in progress.
type regionWatcher struct {
	w      *Watcher
	region ivs.Region
	log    *slog.Logger
	prev   *Region

	mu       sync.Mutex
	full     map[string]ivs.IngestConfiguration // redundant configurations with their credentials, by ARN
	starts   map[string]time.Time               // session id -> start
	counts   map[string]*count                  // stage ARN -> count in progress
	recalled map[string]ivs.Protection
	// recalledDest is what history last knew of the destinations.
	recalledDest map[string]history.RecalledDestination
	// nudge asks for a sweep as soon as the cadence allows: an event the
	// model could not place.
	nudge bool
	// base is the model a running sweep compares with (rw.prev when it
	// began); applied are the events applied since it began.
	base    *Region
	applied []events.Event
	sampled map[string]history.Sample  // stage ARN -> last sample handed on
	detail  map[string]ivs.Composition // compositions read in full, by ARN (output.go)
}

// count is a connected-participant count carried over sweeps.
type count struct {
	session           string
	next              string    // token of the page to count next ("" = start over)
	partial           int       // counted so far in this pass
	partialPublishers int       // of which publishing
	started           time.Time // when this pass began
	done              int       // the last complete count
	donePublishers    int
	doneAt            time.Time // when that pass began
	multi             bool      // the session takes more than one page
	// Publishers of a multi-page session, listed on their own (the count
	// takes many sweeps).
	pubs   int
	pubsAt time.Time
}

func newRegionWatcher(w *Watcher, r ivs.Region) *regionWatcher {
	return &regionWatcher{w: w, region: r, log: w.opts.Logger.With(slog.String("region", string(r))),
		prev: &Region{Region: r}, full: map[string]ivs.IngestConfiguration{}, starts: map[string]time.Time{}, counts: map[string]*count{},
		sampled: map[string]history.Sample{}, detail: map[string]ivs.Composition{}}
}

func (rw *regionWatcher) run(ctx context.Context) {
	if o := rw.w.opts; o.Recall != nil {
		recalled, err := o.Recall(ctx, rw.region)
		if err != nil {
			rw.log.Warn("watch: history could not be read; transitions start from what the first sweep sees", "error", err.Error())
		}
		rw.recalled = recalled
	}
	if o := rw.w.opts; o.RecallDestinations != nil {
		recalled, err := o.RecallDestinations(ctx, rw.region)
		if err != nil {
			rw.log.Warn("watch: history of the program output could not be read; its transitions start from what the first sweep sees", "error", err.Error())
		}
		rw.recalledDest = recalled
	}
	src := rw.w.opts.Events[rw.region]
	var batches chan eventBatch
	if src != nil {
		batches = make(chan eventBatch)
		go rw.receive(ctx, src, batches)
	}
	var last time.Time        // start of the last sweep
	after := time.Duration(0) // how long that sweep asked to wait
	var running chan sweepResult
	for {
		var wake <-chan time.Time
		var timer *time.Timer
		if running == nil {
			// Scheduling is on the wall clock; facts are stamped with
			// opts.Now (a test's clock may stand still).
			sleep := time.Until(rw.nextSweep(src, last, after))
			if sleep <= 0 {
				// Sweep in the background: events keep coming meanwhile,
				// and are applied again on top of what the sweep read.
				last, rw.nudge, rw.applied = time.Now(), false, nil
				rw.base = rw.prev
				running = make(chan sweepResult, 1)
				go func(start time.Time) {
					rg, err := rw.sweep(ctx, start)
					running <- sweepResult{rg, err, start}
				}(rw.w.opts.Now())
				continue
			}
			timer = time.NewTimer(min(sleep, recheckEvery))
			wake = timer.C
		}
		select {
		case <-ctx.Done():
			return
		case b := <-batches:
			rw.applyEvents(ctx, b.events)
			if running != nil {
				rw.applied = append(rw.applied, b.events...)
			}
			b.done <- struct{}{}
		case r := <-running:
			running = nil
			after = rw.finish(ctx, r, after)
		case <-wake:
		}
		if timer != nil {
			timer.Stop()
		}
		rw.sayEvents(src)
	}
}

// sweepResult is what a background sweep found.
type sweepResult struct {
	rg    *Region
	err   error
	start time.Time
}

// recheckEvery bounds how long the loop sleeps: events may turn unhealthy
// (the watcher then polls) or ask for a sweep meanwhile.
const recheckEvery = 2 * time.Second

// nextSweep is when the next sweep is due after one that started at last
// and asked to wait wait: with healthy events only a reconciliation every
// ReconcileEvery (or sooner when an event asked for it), else polling.
func (rw *regionWatcher) nextSweep(src EventSource, last time.Time, wait time.Duration) time.Time {
	if last.IsZero() {
		return last
	}
	o := rw.w.opts
	poll := last.Add(max(wait, o.MinCadence))
	if src == nil || rw.nudge {
		return poll
	}
	if ok, _ := src.Healthy(); !ok {
		return poll
	}
	return last.Add(max(wait, o.ReconcileEvery))
}

// eventsState is what the region's model says of its events now.
func (rw *regionWatcher) eventsState(src EventSource) EventsState {
	if src == nil {
		return EventsState{}
	}
	ok, why := src.Healthy()
	return EventsState{On: true, Healthy: ok, Why: why, Last: rw.prev.Events.Last}
}

// sayEvents publishes the model again when its events' health changed
// with nothing else (the queue went silent or unreachable, or came back).
func (rw *regionWatcher) sayEvents(src EventSource) {
	if src == nil || rw.prev.SweptAt.IsZero() {
		return
	}
	if st := rw.eventsState(src); st != rw.prev.Events {
		next := *rw.prev
		next.Events = st
		rw.prev = &next
		rw.w.publish(&next)
	}
}

type eventBatch struct {
	events []events.Event
	done   chan struct{}
}

// receive runs the event source, handing each batch to the region's loop
// (which alone changes the model) and returning once it is applied.
func (rw *regionWatcher) receive(ctx context.Context, src EventSource, batches chan<- eventBatch) {
	err := src.Run(ctx, func(ctx context.Context, evs []events.Event) error {
		b := eventBatch{events: evs, done: make(chan struct{})}
		select {
		case batches <- b:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case <-b.done:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	if err != nil && ctx.Err() == nil {
		rw.log.Error("watch: events stopped; the watcher polls", "error", err.Error())
	}
}

// once sweeps the region, publishes what it found (or, on failure, the
// last facts marked stale) and hands on the transitions. It returns how
// long to wait before the next sweep.
func (rw *regionWatcher) once(ctx context.Context, lastWait time.Duration) time.Duration {
	start := rw.w.opts.Now()
	rw.base, rw.applied = rw.prev, nil
	rg, err := rw.sweep(ctx, start)
	return rw.finish(ctx, sweepResult{rg, err, start}, lastWait)
}

// finish publishes a sweep's result: what it found, with the events that
// arrived while it ran applied again on top (the sweep may have read IVS
// before them), or on failure the last facts marked stale.
func (rw *regionWatcher) finish(ctx context.Context, r sweepResult, lastWait time.Duration) time.Duration {
	o := rw.w.opts
	rg, err, start := r.rg, r.err, r.start
	if ctx.Err() != nil {
		return 0
	}
	if err != nil {
		failed := *rw.prev
		failed.Err = err
		if failed.ErrSince.IsZero() {
			failed.ErrSince = start
		}
		failed.Events = rw.eventsState(o.Events[rw.region])
		rw.prev = &failed
		rw.w.publish(&failed)
		rw.log.Warn("watch: sweep failed; the model keeps its last facts", "error", ivs.RedactStreamKeys(err.Error()))
		return min(max(2*o.MinCadence, 2*lastWait), 30*time.Second)
	}
	if !rw.prev.SweptAt.IsZero() {
		rg.Cadence = start.Sub(rw.prev.SweptAt)
	}
	if len(rw.applied) > 0 {
		rg.reapply(rw.applied)
		rw.applied = nil
	}
	ts := transitions(rw.prev, rg, rw.recalled, rw.recalledDest, start)
	if rw.recalledDest != nil {
		ts = append(ts, recalledEnded(string(rg.Region), rg, rw.recalledDest, start)...)
	}
	rw.recalled, rw.recalledDest = nil, nil
	rg.Events = rw.eventsState(o.Events[rw.region])
	rw.prev = rg
	rw.w.publish(rg)
	if len(ts) > 0 && o.OnTransitions != nil {
		o.OnTransitions(ctx, ts)
	}
	if ss := rw.samples(rg, start); len(ss) > 0 && o.OnSamples != nil {
		o.OnSamples(ctx, ss)
	}
	return max(0, o.MinCadence-o.Now().Sub(start))
}

// samples are the points of the live stages' charts due after a sweep.
func (rw *regionWatcher) samples(rg *Region, now time.Time) []history.Sample {
	var out []history.Sample
	for _, st := range rg.Stages {
		if st.Session == nil || st.Session.ConnectedAt.IsZero() {
			continue
		}
		s := history.Sample{Time: now, Region: string(rg.Region), StageARN: st.Stage.ARN, SessionID: st.Session.ID,
			Connected: st.Session.Connected, Publishers: st.Session.Publishers}
		last, ok := rw.sampled[st.Stage.ARN]
		if ok && last.SessionID == s.SessionID && last.Connected == s.Connected && last.Publishers == s.Publishers &&
			now.Sub(last.Time) < rw.w.opts.SampleEvery {
			continue
		}
		rw.sampled[st.Stage.ARN] = s
		out = append(out, s)
	}
	return out
}

// sweep reads the region once: its stages, its ingest configurations, and
// for each live stage its publishers, its count and its encoders.
func (rw *regionWatcher) sweep(ctx context.Context, now time.Time) (*Region, error) {
	svc := rw.w.opts.IVS
	stages, err := collect(ctx, maxStagePages, func(ctx context.Context, q ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
		return svc.ListStages(ctx, rw.region, q)
	})
	if err != nil {
		return nil, err
	}
	configs, err := collect(ctx, maxConfigPages, func(ctx context.Context, q ivs.ListQuery) (ivs.Page[ivs.IngestConfiguration], error) {
		return svc.ListIngestConfigurations(ctx, rw.region, ivs.IngestQuery{ListQuery: q})
	})
	if err != nil {
		return nil, err
	}
	if err := rw.credentials(ctx, configs); err != nil {
		return nil, err
	}
	outputs, err := rw.compositions(ctx, now)
	if err != nil {
		return nil, err
	}
	byStage := map[string][]ivs.IngestConfiguration{}
	for _, c := range configs {
		byStage[c.StageARN] = append(byStage[c.StageARN], c)
	}
	rg := &Region{Region: rw.region, SweptAt: now, Stages: make([]*Stage, len(stages))}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(sweepParallelism)
	for i, st := range stages {
		g.Go(func() (err error) {
			rg.Stages[i], err = rw.stage(gctx, st, byStage[st.ARN], outputs[st.ARN], now)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	slices.SortStableFunc(rg.Stages, byHealth)
	return rg, nil
}

// healthSince is when a stage's health began: kept while it does not
// change; for a problem, when its cause began as far as the watcher knows.
func healthSince(prev, s *Stage, now time.Time) time.Time {
	switch {
	case prev != nil && prev.Health == s.Health:
		return prev.Since
	case s.Health.Problem() && pairsHealth(s.Pairs) == s.Health:
		return latestChange(s.Pairs, now)
	case s.Health.Problem():
		return outputsSince(s.Outputs, now)
	}
	return now
}

// credentials reads the full configuration of each redundant one whose
// encoders the watcher does not know yet (or whose stage or redundancy
// changed since): summaries carry no credentials.
func (rw *regionWatcher) credentials(ctx context.Context, configs []ivs.IngestConfiguration) error {
	for _, c := range configs {
		if !c.RedundantIngest {
			continue
		}
		rw.mu.Lock()
		known, ok := rw.full[c.ARN]
		rw.mu.Unlock()
		if ok && known.StageARN == c.StageARN && known.RedundantIngest {
			continue
		}
		full, err := rw.w.opts.IVS.GetIngestConfiguration(ctx, rw.region, c.ARN)
		if ivs.IsNotFound(err) {
			continue // deleted in between
		}
		if err != nil {
			return err
		}
		rw.mu.Lock()
		rw.full[c.ARN] = full
		rw.mu.Unlock()
	}
	return nil
}

// stage builds one stage's model. Its publishers are listed every sweep
// only when it has redundant pairs to judge; otherwise they come with the
// connected count, which advances a page per sweep.
func (rw *regionWatcher) stage(ctx context.Context, st ivs.Stage, configs []ivs.IngestConfiguration, outs []Output, now time.Time) (*Stage, error) {
	s := &Stage{Region: rw.region, Stage: st, Configs: len(configs), Outputs: outs}
	var pairs []ivs.IngestConfiguration
	for _, c := range configs {
		rw.mu.Lock()
		full, ok := rw.full[c.ARN]
		rw.mu.Unlock()
		if c.RedundantIngest && ok {
			full.State = c.State // the summary is fresher
			pairs = append(pairs, full)
		}
	}
	var publishers []ivs.Participant
	if st.Live() {
		sess, err := rw.session(ctx, st, now)
		if err != nil {
			return nil, err
		}
		s.Session = sess
		if len(pairs) > 0 {
			q := ivs.ParticipantQuery{StageARN: st.ARN, SessionID: st.ActiveSessionID, PublishedOnly: true}
			publishers, err = collect(ctx, maxPublisherPages, func(ctx context.Context, lq ivs.ListQuery) (ivs.Page[ivs.Participant], error) {
				q.ListQuery = lq
				return rw.w.opts.IVS.ListParticipants(ctx, rw.region, q)
			})
			if err != nil {
				return nil, err
			}
			sess.Publishers, sess.PublishersAt = 0, now
			for _, p := range publishers {
				if p.Connected() {
					sess.Publishers++
				}
			}
		}
	}
	prevStage := rw.base.stage(st.ARN)
	for _, c := range pairs {
		p, err := rw.pair(ctx, st, c, publishers, prevStage)
		if err != nil {
			return nil, err
		}
		s.Pairs = append(s.Pairs, p)
	}
	slices.SortFunc(s.Pairs, func(a, b Pair) int { return compareNames(a.Config.DisplayName(), b.Config.DisplayName()) })
	s.Health = healthOf(st.Live(), s.Pairs, s.Outputs)
	s.Since = healthSince(prevStage, s, now)
	return s, nil
}

// session returns a live session's start (read once per session) and its
// counts, advanced by up to one page.
func (rw *regionWatcher) session(ctx context.Context, st ivs.Stage, now time.Time) (*Session, error) {
	id := st.ActiveSessionID
	rw.mu.Lock()
	start, ok := rw.starts[id]
	rw.mu.Unlock()
	if !ok {
		ss, err := rw.w.opts.IVS.GetStageSession(ctx, rw.region, st.ARN, id)
		if err != nil && !ivs.IsNotFound(err) {
			return nil, err
		}
		start = ss.StartTime
		rw.mu.Lock()
		rw.starts[id] = start
		rw.mu.Unlock()
	}
	c, err := rw.count(ctx, st, now)
	if err != nil {
		return nil, err
	}
	rw.mu.Lock()
	cp := rw.counts[st.ARN]
	rw.mu.Unlock()
	sess := &Session{ID: id, Start: start, Connected: c.done, ConnectedAt: c.doneAt, Publishers: c.donePublishers, PublishersAt: c.doneAt}
	if c.multi {
		// A large session's count is minutes old: list its publishers
		// (a dozen at most) on their own, as often as a count would come.
		if c.pubsAt.IsZero() || now.Sub(c.pubsAt) >= rw.w.opts.CountEvery {
			n, err := rw.publishers(ctx, st)
			if err != nil {
				return nil, err
			}
			rw.mu.Lock()
			cp.pubs, cp.pubsAt = n, now
			c.pubs, c.pubsAt = n, now
			rw.mu.Unlock()
		}
		sess.Publishers, sess.PublishersAt = c.pubs, c.pubsAt
	}
	return sess, nil
}

// publishers counts the participants of a stage's live session publishing now.
func (rw *regionWatcher) publishers(ctx context.Context, st ivs.Stage) (int, error) {
	q := ivs.ParticipantQuery{StageARN: st.ARN, SessionID: st.ActiveSessionID, PublishedOnly: true}
	ps, err := collect(ctx, maxPublisherPages, func(ctx context.Context, lq ivs.ListQuery) (ivs.Page[ivs.Participant], error) {
		q.ListQuery = lq
		return rw.w.opts.IVS.ListParticipants(ctx, rw.region, q)
	})
	n := 0
	for _, p := range ps {
		if p.Connected() {
			n++
		}
	}
	return n, err
}

// count advances the stage's count of connected participants (and of
// those among them publishing) by one page when one is due, and returns
// the last complete count.
func (rw *regionWatcher) count(ctx context.Context, st ivs.Stage, now time.Time) (count, error) {
	rw.mu.Lock()
	c := rw.counts[st.ARN]
	if c == nil || c.session != st.ActiveSessionID {
		c = &count{session: st.ActiveSessionID}
		rw.counts[st.ARN] = c
	}
	due := c.next != "" || c.doneAt.IsZero() || now.Sub(c.doneAt) >= rw.w.opts.CountEvery
	if !due {
		defer rw.mu.Unlock()
		return *c, nil
	}
	if c.next == "" {
		c.partial, c.partialPublishers, c.started = 0, 0, now
	}
	next := c.next
	rw.mu.Unlock()
	page, err := rw.w.opts.IVS.ListParticipants(ctx, rw.region, ivs.ParticipantQuery{StageARN: st.ARN, SessionID: st.ActiveSessionID,
		State: ivs.ParticipantConnected, ListQuery: ivs.ListQuery{NextToken: next, MaxResults: ivs.MaxPageSize}})
	if err != nil {
		return count{}, err
	}
	rw.mu.Lock()
	defer rw.mu.Unlock()
	c.partial += len(page.Items)
	for _, p := range page.Items {
		if p.Published {
			c.partialPublishers++
		}
	}
	c.next = page.NextToken
	c.multi = c.multi || c.next != ""
	if c.next == "" || c.partial >= maxCountPages*ivs.MaxPageSize {
		c.done, c.donePublishers, c.doneAt, c.next = c.partial, c.partialPublishers, c.started, ""
	}
	return *c, nil
}

// pair judges one redundant configuration, reading an encoder's timeline
// only when its state differs from the last sweep's.
func (rw *regionWatcher) pair(ctx context.Context, st ivs.Stage, cfg ivs.IngestConfiguration, publishers []ivs.Participant, prevStage *Stage) (Pair, error) {
	r := ivs.AssessRedundancy(cfg, st.ActiveSessionID, publishers)
	p := Pair{observed: slices.Clone(r.Encoders)}
	prev := prevStage.pair(cfg.ARN)
	for i := range r.Encoders {
		e := &r.Encoders[i]
		if !e.Seen {
			continue
		}
		// Seen as in the last sweep (same session, same join, same
		// listing) and not contradicted by its timeline: nothing to read.
		if prev != nil && prev.SessionID == st.ActiveSessionID && i < len(prev.observed) && i < len(prev.Encoders) &&
			prev.observed[i] == *e && prev.Encoders[i].Publishing == e.Publishing {
			pe := prev.Encoders[i]
			e.LastChange, e.Cause, e.CauseError = pe.LastChange, pe.Cause, pe.CauseError
			continue
		}
		events, err := collect(ctx, maxEventPages, func(ctx context.Context, q ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
			return rw.w.opts.IVS.ListParticipantEvents(ctx, rw.region, st.ARN, st.ActiveSessionID, e.ParticipantID, q)
		})
		if err != nil && !ivs.IsNotFound(err) {
			return Pair{}, err
		}
		e.ApplyEvents(events)
	}
	r.Reassess()
	p.Redundancy = r
	return p, nil
}

func latestChange(pairs []Pair, fallback time.Time) time.Time {
	var t time.Time
	for _, p := range pairs {
		for _, e := range p.Encoders {
			if e.LastChange.After(t) {
				t = e.LastChange
			}
		}
	}
	if t.IsZero() {
		return fallback
	}
	return t
}

// collect gathers up to maxPages pages of a list.
func collect[T any](ctx context.Context, maxPages int, fetch func(context.Context, ivs.ListQuery) (ivs.Page[T], error)) ([]T, error) {
	var out []T
	q := ivs.ListQuery{MaxResults: ivs.MaxPageSize}
	for range maxPages {
		page, err := fetch(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Items...)
		if page.NextToken == "" {
			break
		}
		q.NextToken = page.NextToken
	}
	return out, nil
}

func (r *Region) stage(arn string) *Stage {
	if r == nil {
		return nil
	}
	for _, s := range r.Stages {
		if s.Stage.ARN == arn {
			return s
		}
	}
	return nil
}

func (s *Stage) pair(arn string) *Pair {
	if s == nil {
		return nil
	}
	for i := range s.Pairs {
		if s.Pairs[i].Config.ARN == arn {
			return &s.Pairs[i]
		}
	}
	return nil
}
