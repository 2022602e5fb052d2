package emulator

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// DefaultTPS is the per-operation rate AWS allows for nearly every IVS
// Real-Time operation (per account and region, not adjustable).
const DefaultTPS = 5

// Faults are failures injected before an API call is handled, to test how a
// client copes with a slow, rate-limited or failing IVS.
type Faults struct {
	Latency time.Duration // added to every API call
	Jitter  time.Duration // plus a uniform random extra in [0, Jitter)

	// Throttle enables per-operation token buckets per region, answering 429
	// ThrottlingException like AWS. TPS is the rate (DefaultTPS when 0);
	// CreateParticipantToken gets 10x and the tag operations 2x, mirroring the
	// AWS quotas 5/50/10. OperationTPS overrides the rate of single operations.
	// TPS > 0 alone also enables throttling.
	Throttle     bool
	TPS          float64
	OperationTPS map[string]float64

	ErrorRate    float64 // fraction of calls answered 500 InternalServerException, 0..1
	AccessDenied bool    // answer every call 403 AccessDeniedException

	// ThrottleRate is a fraction of calls answered 429 ThrottlingException
	// whatever the rate: the account's budget being spent by someone else.
	ThrottleRate float64
	// SpikeRate is the fraction of calls that take Spike longer (latency spikes).
	SpikeRate float64
	Spike     time.Duration
}

func (f Faults) validate() error {
	if f.Latency < 0 || f.Jitter < 0 {
		return fmt.Errorf("emulator: latency and jitter must not be negative")
	}
	if f.TPS < 0 || math.IsNaN(f.TPS) || math.IsInf(f.TPS, 0) {
		return fmt.Errorf("emulator: tps must be a finite number >= 0")
	}
	for op, v := range f.OperationTPS {
		if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("emulator: operationTps[%s] must be > 0", op)
		}
	}
	for name, v := range map[string]float64{"errorRate": f.ErrorRate, "throttleRate": f.ThrottleRate, "spikeRate": f.SpikeRate} {
		if v < 0 || v > 1 || math.IsNaN(v) {
			return fmt.Errorf("emulator: %s must be within 0..1", name)
		}
	}
	if f.Spike < 0 {
		return fmt.Errorf("emulator: spike must not be negative")
	}
	return nil
}

// rate is the operation's TPS limit, 0 when throttling is off.
func (f Faults) rate(op string) float64 {
	if v, ok := f.OperationTPS[op]; ok {
		return v
	}
	if !f.Throttle && f.TPS == 0 {
		return 0
	}
	base := f.TPS
	if base == 0 {
		base = DefaultTPS
	}
	switch op {
	case "CreateParticipantToken":
		return base * 10
	case "TagResource", "UntagResource", "ListTagsForResource":
		return base * 2
	}
	return base
}

// faultsJSON is the admin API's view: durations as Go duration strings.
type faultsJSON struct {
	Latency      string             `json:"latency"`
	Jitter       string             `json:"jitter"`
	Throttle     bool               `json:"throttle"`
	TPS          float64            `json:"tps"`
	OperationTPS map[string]float64 `json:"operationTps,omitempty"`
	ErrorRate    float64            `json:"errorRate"`
	AccessDenied bool               `json:"accessDenied"`
	ThrottleRate float64            `json:"throttleRate"`
	SpikeRate    float64            `json:"spikeRate"`
	Spike        string             `json:"spike"`
}

// MarshalJSON renders durations as strings such as "150ms".
func (f Faults) MarshalJSON() ([]byte, error) {
	return json.Marshal(faultsJSON{f.Latency.String(), f.Jitter.String(), f.Throttle, f.TPS,
		f.OperationTPS, f.ErrorRate, f.AccessDenied, f.ThrottleRate, f.SpikeRate, f.Spike.String()})
}

// UnmarshalJSON accepts durations as strings ("150ms") or milliseconds.
func (f *Faults) UnmarshalJSON(b []byte) error {
	var raw struct {
		faultsJSON
		Latency json.RawMessage `json:"latency"`
		Jitter  json.RawMessage `json:"jitter"`
		Spike   json.RawMessage `json:"spike"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	lat, err := parseDuration(raw.Latency)
	if err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	jit, err := parseDuration(raw.Jitter)
	if err != nil {
		return fmt.Errorf("jitter: %w", err)
	}
	spike, err := parseDuration(raw.Spike)
	if err != nil {
		return fmt.Errorf("spike: %w", err)
	}
	*f = Faults{lat, jit, raw.Throttle, raw.TPS, raw.OperationTPS, raw.ErrorRate, raw.AccessDenied, raw.ThrottleRate, raw.SpikeRate, spike}
	return nil
}

func parseDuration(m json.RawMessage) (time.Duration, error) {
	if len(m) == 0 || string(m) == "null" {
		return 0, nil
	}
	var s string
	if json.Unmarshal(m, &s) == nil {
		return time.ParseDuration(s)
	}
	var n float64
	if err := json.Unmarshal(m, &n); err != nil {
		return 0, fmt.Errorf("want a duration string or milliseconds")
	}
	return time.Duration(n * float64(time.Millisecond)), nil
}

// faultInjector applies Faults; its buckets run on wall-clock time because
// rates are about real request timing, whatever the emulator's Clock.
type faultInjector struct {
	mu      sync.Mutex
	f       Faults
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
	rate   float64
}

func newFaultInjector(f Faults) *faultInjector {
	return &faultInjector{f: f, buckets: map[string]*bucket{}}
}

func (fi *faultInjector) set(f Faults) {
	fi.mu.Lock()
	fi.f = f
	fi.buckets = map[string]*bucket{}
	fi.mu.Unlock()
}

func (fi *faultInjector) get() Faults {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.f
}

// apply sleeps for the injected latency, then decides whether the call fails.
// It returns a context error if the client went away while waiting.
func (fi *faultInjector) apply(ctx context.Context, region, op string) error {
	f := fi.get()
	if d := f.Latency; d > 0 || f.Jitter > 0 || f.SpikeRate > 0 {
		if f.Jitter > 0 {
			d += rand.N(f.Jitter)
		}
		if f.SpikeRate > 0 && rand.Float64() < f.SpikeRate {
			d += f.Spike
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	if f.AccessDenied {
		return &apiError{errAccessDenied, "User is not authorized to perform: ivs:" + op + " (access denied injected by the emulator)"}
	}
	if r := f.rate(op); r > 0 && !fi.take(region+"/"+op, r) {
		return &apiError{errThrottling, "Rate exceeded"}
	}
	if f.ThrottleRate > 0 && rand.Float64() < f.ThrottleRate {
		return &apiError{errThrottling, "Rate exceeded (injected by the emulator)"}
	}
	if f.ErrorRate > 0 && rand.Float64() < f.ErrorRate {
		return &apiError{errInternal, "An internal error occurred (injected by the emulator)"}
	}
	return nil
}

// take spends one token from the (region, operation) bucket; capacity is one
// second's worth of calls, at least one.
func (fi *faultInjector) take(key string, rate float64) bool {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	now := time.Now()
	b := fi.buckets[key]
	capacity := math.Max(1, rate)
	if b == nil || b.rate != rate {
		if len(fi.buckets) > 4096 { // bounded whatever regions clients name
			clear(fi.buckets)
		}
		b = &bucket{tokens: capacity, last: now, rate: rate}
		fi.buckets[key] = b
	}
	b.tokens = math.Min(capacity, b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
