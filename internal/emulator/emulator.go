// Package emulator is an in-memory Amazon IVS Real-Time API emulator: the
// REST-JSON wire protocol the AWS SDKs speak, AWS's validation and typed
// errors, a seeded demo world, a live simulator and fault injection. The
// console reaches it only over HTTP through the real SDK, exactly like AWS.
// See README.md for the operations and the choices made where AWS is silent.
//
// Redundant ingest, where AWS documents nothing, behaves as follows. The two
// encoder credentials in redundantIngestCredentials are the only keys that
// publish; the top-level streamKey is still returned (the model requires it)
// but an encoder using it is refused with INVALID_STREAM_KEY. Each encoder is
// its own participant in ListParticipants (redundantIngest true,
// ingestConfigurationArn set); the virtual participant (the top-level
// participantId) is never listed. The configuration is ACTIVE while either
// encoder publishes.
package emulator

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sort"
	"sync"
	"time"
)

// Options configures an Emulator.
type Options struct {
	AccountID string // default "123456789012"
	Seed      string // "demo" (default) or "empty"
	RandSeed  int64  // drives the simulator's choices and the demo world's shapes; 0 = random
	Clock     Clock  // nil = real time; tests pass a *FakeClock
	Simulate  bool   // run the live simulator when Start is called
	Faults    Faults // latency, throttling, 5xx, access denied
	// EventFaults make the EventBridge event feed (the SQS queue
	// DefaultEventQueue) drop, delay, duplicate or reorder events.
	EventFaults EventFaults
	Logger      *slog.Logger // optional
}

// Seeds.
const (
	SeedDemo  = "demo"
	SeedEmpty = "empty"
)

// DefaultAccountID is the account the emulator answers for by default.
const DefaultAccountID = "123456789012"

// TickInterval is how often the simulator steps in real time.
const TickInterval = 2 * time.Second

// sessionEndGrace is how long a session stays live after its last publisher leaves.
const sessionEndGrace = 3 * time.Minute

// maxRegions bounds the worlds a client can create by naming regions.
const maxRegions = 32

// Emulator serves the IVS Real-Time API. It is safe for concurrent use.
type Emulator struct {
	opts   Options
	clock  Clock
	log    *slog.Logger
	tokens pageTokens

	mu       sync.Mutex // guards everything below
	worlds   map[string]*world
	seq      int64  // creation order of every resource, for stable listing
	ids      *idGen // ids of resources created through the API
	simIDs   *idGen // ids and choices of the demo world and the simulator
	simRand  *rand.Rand
	simTicks int64
	encoders []*simEncoder     // scripted encoders of the demo world
	outputs  []*simDestination // scripted composition destinations of the demo world

	faults *faultInjector
	sqs    *sqsService // queues, with the EventBridge event feed (eventbridge.go)
	events *eventBus

	startOnce sync.Once
	stop      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// New returns an emulator holding the requested seed world.
func New(opts Options) (*Emulator, error) {
	if opts.AccountID == "" {
		opts.AccountID = DefaultAccountID
	}
	if !reAccount.MatchString(opts.AccountID) {
		return nil, fmt.Errorf("emulator: account id %q must be 12 digits", opts.AccountID)
	}
	if opts.Seed == "" {
		opts.Seed = SeedDemo
	}
	if opts.Seed != SeedDemo && opts.Seed != SeedEmpty {
		return nil, fmt.Errorf("emulator: unknown seed %q (want %q or %q)", opts.Seed, SeedDemo, SeedEmpty)
	}
	if err := opts.Faults.validate(); err != nil {
		return nil, err
	}
	if err := opts.EventFaults.validate(); err != nil {
		return nil, err
	}
	if opts.Clock == nil {
		opts.Clock = realClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.RandSeed == 0 {
		var b [8]byte
		_, _ = crand.Read(b[:])
		opts.RandSeed = int64(binary.LittleEndian.Uint64(b[:]) | 1)
	}
	key := make([]byte, 32)
	if _, err := crand.Read(key); err != nil {
		return nil, fmt.Errorf("emulator: token key: %w", err)
	}
	e := &Emulator{
		opts:   opts,
		clock:  opts.Clock,
		log:    opts.Logger,
		tokens: pageTokens{key: key},
		faults: newFaultInjector(opts.Faults),
		stop:   make(chan struct{}),
		sqs:    newSQSService(),
	}
	e.events = newEventBus(opts.AccountID, e.sqs, opts.EventFaults)
	e.reset()
	return e, nil
}

// reset rebuilds the seed world. Callers hold e.mu or own e exclusively.
func (e *Emulator) reset() {
	seed := uint64(e.opts.RandSeed)
	e.worlds = map[string]*world{}
	e.seq = 0
	e.ids = newCryptoIDs()
	e.simIDs = newSeededIDs(seed)
	e.simRand = rand.New(rand.NewPCG(seed, seed*31+7))
	e.simTicks = 0
	e.encoders = nil
	e.outputs = nil
	if e.opts.Seed == SeedDemo {
		e.events.mute(true) // the seed world's past is not announced
		seedDemo(e, e.clock.Now())
		e.events.mute(false)
	}
}

// Reset discards all state and rebuilds the seed world (stream keys change).
func (e *Emulator) Reset() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.reset()
}

// AccountID is the account the emulator answers for.
func (e *Emulator) AccountID() string { return e.opts.AccountID }

// SetFaults changes the injected faults at run time.
func (e *Emulator) SetFaults(f Faults) { e.faults.set(f) }

// Faults returns the faults in force.
func (e *Emulator) Faults() Faults { return e.faults.get() }

// Start runs the simulator on a real-time ticker until ctx ends or Close is
// called. It returns immediately and does nothing unless Options.Simulate.
func (e *Emulator) Start(ctx context.Context) {
	if !e.opts.Simulate {
		return
	}
	e.startOnce.Do(func() {
		e.wg.Add(1)
		go func() {
			defer e.wg.Done()
			t := time.NewTicker(TickInterval)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-e.stop:
					return
				case <-t.C:
					e.Step()
				}
			}
		}()
	})
}

// Step advances the simulation by one tick at the clock's current time.
func (e *Emulator) Step() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.simulate(ms(e.clock.Now()))
}

// Close stops the simulator and waits for it.
func (e *Emulator) Close() {
	e.closeOnce.Do(func() { close(e.stop) })
	e.wg.Wait()
}

var errTooManyRegions = errors.New("too many regions")

// world returns the region's world, creating an empty one on first use.
func (e *Emulator) world(region string) (*world, error) {
	if w, ok := e.worlds[region]; ok {
		return w, nil
	}
	if len(e.worlds) >= maxRegions {
		return nil, errTooManyRegions
	}
	w := newWorld(region, e.opts.AccountID)
	e.worlds[region] = w
	return w, nil
}

// sortedRegions gives a deterministic iteration order for the simulator.
func (e *Emulator) sortedRegions() []string {
	rs := make([]string, 0, len(e.worlds))
	for r := range e.worlds {
		rs = append(rs, r)
	}
	sort.Strings(rs)
	return rs
}

func (e *Emulator) nextSeq() int64 {
	e.seq++
	return e.seq
}
