package emulator

// A composition destination that the simulator makes lose its connection
// and get it back: IVS marks a destination RECONNECTING while it cannot
// deliver and ACTIVE again once it can, which is what a program output's
// watcher must notice. The API says nothing more (a destination has no
// failure detail beyond its state), so neither does the emulator.

// Destination script timings, in ticks: lost for 16 s every 90 s.
const (
	destFlapPeriod = 45
	destLoseAt     = 20
	destRegainAt   = 28
)

// simDestination is one scripted destination of a seeded composition.
type simDestination struct {
	region string
	comp   *composition
	dest   int   // index in comp.dests
	offset int64 // phase offset in ticks
}

func (sd *simDestination) step(e *Emulator, w *world, now int64) {
	c := sd.comp
	if w.compositionByID[c.id] != c || c.state != compActive || sd.dest >= len(c.dests) {
		return // stopped or deleted through the API
	}
	d := c.dests[sd.dest]
	if d.held {
		return
	}
	switch (e.simTicks + sd.offset) % destFlapPeriod {
	case destLoseAt:
		if d.state == compActive {
			d.state = destReconnecting
			e.compositionEvent(c, d, evDestinationReconnect, now)
		}
	case destRegainAt:
		if d.state == destReconnecting {
			d.state = compActive
			e.compositionEvent(c, d, evDestinationStart, now)
		}
	}
}

// destReconnecting is the destination state between losing and regaining
// its connection (compositions have no such state).
const destReconnecting = "RECONNECTING"
