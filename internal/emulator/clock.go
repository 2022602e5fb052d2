package emulator

import (
	"sync"
	"time"
)

// Clock is the emulator's only source of "now", so tests can drive sessions,
// token expiry and the simulator without sleeping.
type Clock interface{ Now() time.Time }

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// FakeClock is a manually advanced Clock for tests.
type FakeClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewFakeClock returns a FakeClock set to t.
func NewFakeClock(t time.Time) *FakeClock { return &FakeClock{now: t} }

// Now returns the fake time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the fake time forward by d.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set moves the fake time to t.
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// ms is the emulator's time unit: Unix milliseconds, compact for 5,000-participant sessions.
func ms(t time.Time) int64 { return t.UnixMilli() }

// isoTime renders Unix milliseconds the way IVS does: ISO 8601, UTC, milliseconds.
func isoTime(v int64) string {
	return time.UnixMilli(v).UTC().Format("2006-01-02T15:04:05.000Z")
}
