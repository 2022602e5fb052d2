package emulator

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"time"
)

// IVS sends change events to Amazon EventBridge (source aws.ivs); ops teams
// route them with a rule to an SQS queue. The emulator plays both: every
// change AWS would announce is put, as the EventBridge envelope, in the
// region's DefaultEventQueue. Delivery is best effort in AWS (missing, late,
// out of order); EventFaults makes it so on purpose.

// EventBridge detail types and event names, as AWS documents them
// ("Using Amazon EventBridge with IVS Real-Time Streaming").
const (
	DetailStageUpdate         = "IVS Stage Update"
	DetailRecordingState      = "IVS Participant Recording State Change"
	DetailCompositionState    = "IVS Composition State Change"
	EventParticipantPublished = "Participant Published"
	EventParticipantUnpub     = "Participant Unpublished"
	EventParticipantPubError  = "Participant Publish Error"
	EventReplicationStarted   = "Participant Replication Started"
	EventReplicationEnded     = "Participant Replication Ended"
	EventRecordingStart       = "Recording Start"
	EventRecordingEnd         = "Recording End"
)

// EventFaults make the event feed unreliable the ways AWS documents, each a
// fraction (0..1) of events, drawn from a generator seeded with Seed so runs
// repeat: Drop loses the event, Duplicate delivers it twice (same event id,
// two messages), Delay makes it visible DelayBy later (default 30 s), Reorder
// holds it back until the next event of its region was queued (at most 2 s).
type EventFaults struct {
	Drop      float64       `json:"drop"`
	Duplicate float64       `json:"duplicate"`
	Delay     float64       `json:"delay"`
	DelayBy   time.Duration `json:"-"`
	Reorder   float64       `json:"reorder"`
	Seed      int64         `json:"seed"`
}

// reorderHold bounds how long a reordered event waits for a successor.
const reorderHold = 2 * time.Second

// maxHeld bounds the events held back for reordering in a region.
const maxHeld = 100

// defaultDelayBy is EventFaults.DelayBy when zero.
const defaultDelayBy = 30 * time.Second

func (f EventFaults) validate() error {
	for name, v := range map[string]float64{"drop": f.Drop, "duplicate": f.Duplicate, "delay": f.Delay, "reorder": f.Reorder} {
		if v < 0 || v > 1 || math.IsNaN(v) {
			return fmt.Errorf("emulator: event fault %s must be within 0..1", name)
		}
	}
	if f.DelayBy < 0 || f.DelayBy > 900*time.Second {
		return fmt.Errorf("emulator: event fault delayBy must be within 0..15m (SQS's maximum delay)")
	}
	return nil
}

type eventFaultsJSON struct {
	Drop      float64 `json:"drop"`
	Duplicate float64 `json:"duplicate"`
	Delay     float64 `json:"delay"`
	DelayBy   string  `json:"delayBy"`
	Reorder   float64 `json:"reorder"`
	Seed      int64   `json:"seed"`
}

// MarshalJSON renders DelayBy as a duration string ("30s").
func (f EventFaults) MarshalJSON() ([]byte, error) {
	return json.Marshal(eventFaultsJSON{f.Drop, f.Duplicate, f.Delay, f.DelayBy.String(), f.Reorder, f.Seed})
}

// UnmarshalJSON accepts DelayBy as a duration string or milliseconds.
func (f *EventFaults) UnmarshalJSON(b []byte) error {
	var raw struct {
		eventFaultsJSON
		DelayBy json.RawMessage `json:"delayBy"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	d, err := parseDuration(raw.DelayBy)
	if err != nil {
		return fmt.Errorf("delayBy: %w", err)
	}
	*f = EventFaults{raw.Drop, raw.Duplicate, raw.Delay, d, raw.Reorder, raw.Seed}
	return nil
}

// EventStats count what the event feed did since the emulator started.
type EventStats struct {
	Emitted    int64 `json:"emitted"` // events IVS announced
	Dropped    int64 `json:"dropped"`
	Duplicated int64 `json:"duplicated"`
	Delayed    int64 `json:"delayed"`
	Reordered  int64 `json:"reordered"`
}

// eventBus turns emulator changes into EventBridge events in SQS. Its state
// is guarded by sqs.mu; emit is called under e.mu (lock order e.mu, sqs.mu).
type eventBus struct {
	account string
	sqs     *sqsService
	muted   bool // while the seed world is built: its past is not announced
	faults  EventFaults
	rnd     *rand.Rand
	held    map[string][]heldEvent // region: reordered events waiting for a successor
	stats   EventStats
}

type heldEvent struct {
	body  string
	since time.Time
}

func newEventBus(account string, sqs *sqsService, f EventFaults) *eventBus {
	b := &eventBus{account: account, sqs: sqs, held: map[string][]heldEvent{}}
	b.setFaults(f)
	return b
}

// setFaults changes the faults and reseeds their generator. Callers hold sqs.mu.
func (b *eventBus) setFaults(f EventFaults) {
	b.faults = f
	seed := uint64(f.Seed)
	b.rnd = rand.New(rand.NewPCG(seed, seed*31+7))
}

// ebEnvelope is an EventBridge event.
type ebEnvelope struct {
	Version    string         `json:"version"`
	ID         string         `json:"id"`
	DetailType string         `json:"detail-type"`
	Source     string         `json:"source"`
	Account    string         `json:"account"`
	Time       string         `json:"time"`
	Region     string         `json:"region"`
	Resources  []string       `json:"resources"`
	Detail     map[string]any `json:"detail"`
}

// emitEvent puts an EventBridge event from IVS in the region's event queue,
// through the fault switch. at is the event's time (Unix ms): the envelope's
// time (seconds, as EventBridge writes it) and, when the detail has no
// event_time, detail.event_time with milliseconds. Compositions (and any
// other change AWS announces) call it with their detail type and fields.
// Callers may hold e.mu; emitEvent takes only the SQS lock.
func (e *Emulator) emitEvent(region, detailType string, resources []string, detail map[string]any, at int64) {
	e.events.emit(region, detailType, resources, detail, at)
}

func (b *eventBus) emit(region, detailType string, resources []string, detail map[string]any, at int64) {
	if b == nil {
		return
	}
	if _, ok := detail["event_time"]; !ok {
		detail["event_time"] = isoTime(at)
	}
	env := ebEnvelope{Version: "0", ID: newUUID(), DetailType: detailType, Source: "aws.ivs", Account: b.account,
		Time: time.UnixMilli(at).UTC().Format(time.RFC3339), Region: region, Resources: resources, Detail: detail}
	body, err := json.Marshal(env)
	if err != nil {
		return
	}
	b.sqs.mu.Lock()
	defer b.sqs.mu.Unlock()
	if b.muted {
		return
	}
	b.stats.Emitted++
	f := b.faults
	r := b.rnd
	if f.Drop > 0 && r.Float64() < f.Drop {
		b.stats.Dropped++
		return
	}
	q := b.sqs.queue(region, DefaultEventQueue)
	if q == nil {
		return // the emulator holds too many queues
	}
	copies := 1
	if f.Duplicate > 0 && r.Float64() < f.Duplicate {
		copies = 2
		b.stats.Duplicated++
	}
	var delay time.Duration
	if f.Delay > 0 && r.Float64() < f.Delay {
		delay = f.DelayBy
		if delay == 0 {
			delay = defaultDelayBy
		}
		b.stats.Delayed++
	}
	if f.Reorder > 0 && delay == 0 && len(b.held[region]) < maxHeld && r.Float64() < f.Reorder {
		b.stats.Reordered++
		for range copies {
			b.held[region] = append(b.held[region], heldEvent{string(body), time.Now()})
		}
		return
	}
	for range copies {
		q.send(string(body), delay)
	}
	// Events held back for reordering follow the one just sent.
	for _, h := range b.held[region] {
		q.send(h.body, 0)
	}
	delete(b.held, region)
}

// flushHeld queues reordered events that found no successor within
// reorderHold, and returns when the next one will be due (zero if none).
// Callers hold sqs.mu.
func (b *eventBus) flushHeld(region string) time.Time {
	hs := b.held[region]
	if len(hs) == 0 {
		return time.Time{}
	}
	if due := hs[0].since.Add(reorderHold); time.Now().Before(due) {
		return due
	}
	if q := b.sqs.queue(region, DefaultEventQueue); q != nil {
		for _, h := range hs {
			q.send(h.body, 0)
		}
	}
	delete(b.held, region)
	return time.Time{}
}

// SetEventFaults changes the event feed's faults (and reseeds them).
func (e *Emulator) SetEventFaults(f EventFaults) error {
	if err := f.validate(); err != nil {
		return err
	}
	e.sqs.mu.Lock()
	defer e.sqs.mu.Unlock()
	e.events.setFaults(f)
	return nil
}

// EventFaults returns the event feed's faults in force.
func (e *Emulator) EventFaults() EventFaults {
	e.sqs.mu.Lock()
	defer e.sqs.mu.Unlock()
	return e.events.faults
}

// EventStats returns what the event feed did so far.
func (e *Emulator) EventStats() EventStats {
	e.sqs.mu.Lock()
	defer e.sqs.mu.Unlock()
	return e.events.stats
}

// muteEvents silences the feed (while the seed world is built).
func (b *eventBus) mute(on bool) {
	b.sqs.mu.Lock()
	b.muted = on
	b.sqs.mu.Unlock()
}

// Participant events. s.bus is nil for sessions of an emulator without a
// feed (never, today) and the helpers are no-ops then.

// stageUpdate announces an IVS Stage Update about a participant.
func (b *eventBus) stageUpdate(s *session, p *participant, name string, code errorCode, at int64) {
	if b == nil {
		return
	}
	region, _, _, _, _ := arnParts(s.stage.arn)
	d := map[string]any{
		"session_id":     s.id,
		"event_name":     name,
		"user_id":        p.userID,
		"participant_id": p.id,
	}
	if code != codeNone {
		d["error_code"] = errorCodeNames[code]
	}
	b.emit(region, DetailStageUpdate, []string{s.stage.arn}, d, at)
}

// recordingChange announces an IVS Participant Recording State Change.
func (b *eventBus) recordingChange(s *session, p *participant, name string, at int64) {
	if b == nil {
		return
	}
	region, _, _, _, _ := arnParts(s.stage.arn)
	d := map[string]any{
		"session_id":     s.id,
		"event_name":     name,
		"participant_id": p.id,
	}
	b.emit(region, DetailRecordingState, []string{s.stage.arn}, d, at)
}

// serveEventsAdmin: GET /_emulator/events (queue, faults, stats), GET and
// PUT /_emulator/events/faults.
func (e *Emulator) serveEventsAdmin(w http.ResponseWriter, r *http.Request, path string) {
	switch {
	case path == "events" && r.Method == http.MethodGet:
		adminJSON(w, http.StatusOK, map[string]any{
			"queueName": DefaultEventQueue,
			"queueUrl":  "http://" + r.Host + "/" + e.opts.AccountID + "/" + DefaultEventQueue,
			"faults":    e.EventFaults(),
			"stats":     e.EventStats(),
		})
	case path == "events/faults" && r.Method == http.MethodGet:
		adminJSON(w, http.StatusOK, e.EventFaults())
	case path == "events/faults" && r.Method == http.MethodPut:
		var f EventFaults
		if err := adminDecode(r, &f); err != nil {
			adminError(w, http.StatusBadRequest, "BadRequest", err.Error())
			return
		}
		if err := e.SetEventFaults(f); err != nil {
			adminError(w, http.StatusBadRequest, "BadRequest", err.Error())
			return
		}
		adminJSON(w, http.StatusOK, f)
	default:
		adminError(w, http.StatusNotFound, "NotFound", "unknown admin endpoint "+r.Method+" /_emulator/"+path)
	}
}
