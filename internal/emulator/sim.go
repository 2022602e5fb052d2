package emulator

import "strconv"

// The simulator makes the demo world live: crowds join and leave live
// stages, one encoder of a redundant pair drops and comes back while the
// other carries on, and an encoder that comes and goes opens and closes
// sessions. It draws every choice from the seeded generator and iterates in
// a fixed order, so a fixed RandSeed and a FakeClock replay exactly.

// simStage is what the simulator does on a stage.
type simStage struct {
	crowd      int    // connected subscribers the crowd drifts around (0: no crowd)
	churn      int    // at most this many joins and leaves per tick
	userPrefix string // user ids of simulated viewers
	viewers    int    // viewers created so far, for user ids
}

type encoderScript uint8

const (
	// scriptFlap: a redundant pair where one encoder (alternately) drops with
	// an error and rejoins while the other carries on.
	scriptFlap encoderScript = iota + 1
	// scriptCycle: a single encoder that publishes, then stops long enough
	// for the session to end.
	scriptCycle
)

// Script timings, in ticks.
const (
	flapPeriod    = 30 // a drop every minute at TickInterval 2 s
	flapDropAt    = 10
	flapRejoinAt  = 18
	cyclePeriod   = 150 // five minutes: one minute on, then the session ends after sessionEndGrace
	cycleStopAt   = 30
	maxSubscribed = 3 // SUBSCRIBE_STARTED events recorded per joining viewer (memory bound)
)

type simEncoder struct {
	region string
	cfg    *ingestConfig
	script encoderScript
	offset int64 // phase offset in ticks
	next   int   // flap: which encoder drops next
	down   int   // flap: which encoder is down (-1: none)
}

// simulate runs one tick. Callers hold e.mu.
func (e *Emulator) simulate(now int64) {
	e.simTicks++
	for _, r := range e.sortedRegions() {
		w := e.worlds[r]
		e.settle(w, now)
		for _, st := range w.stages {
			if st.sim.crowd > 0 && st.active != nil {
				e.churn(st, now)
			}
		}
	}
	for _, enc := range e.encoders {
		w := e.worlds[enc.region]
		if w == nil || w.ingestByID[enc.cfg.id] != enc.cfg {
			continue // deleted through the API
		}
		enc.step(e, w, now)
	}
	for _, out := range e.outputs {
		if w := e.worlds[out.region]; w != nil {
			out.step(e, w, now)
		}
	}
}

// churn lets viewers join and leave, drifting toward the stage's crowd size.
func (e *Emulator) churn(st *stage, now int64) {
	s := st.active
	r := e.simRand
	joins, leaves := r.IntN(st.sim.churn+1), r.IntN(st.sim.churn+1)
	switch {
	case s.connected < st.sim.crowd:
		joins++
	case s.connected > st.sim.crowd+st.sim.churn:
		leaves++
	}
	for range leaves {
		if p := e.pickViewer(s); p != nil {
			code := codeNone
			if r.IntN(25) == 0 {
				p.events = append(p.events, event{at: now, name: evSubscribeError, code: codePublisherNotFound})
			}
			s.leave(p, now, code)
		}
	}
	pubs := s.publishers(maxSubscribed)
	for range joins {
		e.newViewer(st, now, pubs)
	}
}

// pickViewer picks a random connected viewer (not a publisher or encoder).
func (e *Emulator) pickViewer(s *session) *participant {
	n := len(s.parts)
	if n == 0 {
		return nil
	}
	start := e.simRand.IntN(n)
	for i := 0; i < 64 && i < n; i++ {
		p := s.parts[(start+i)%n]
		if p.connected && !p.published && p.ingestArn == "" && p.replType == replNone {
			return p
		}
	}
	return nil
}

// newViewer joins a web viewer that subscribes to the given publishers.
func (e *Emulator) newViewer(st *stage, at int64, pubs []*participant) *participant {
	st.sim.viewers++
	p := &participant{
		id:       e.simIDs.participantID(),
		userID:   st.sim.userPrefix + strconv.Itoa(100000+st.sim.viewers),
		client:   uint16(1 + e.simRand.IntN(len(clientProfiles)-1)),
		protocol: protoWHIP,
	}
	if e.simRand.IntN(20) == 0 {
		p.protocol = protoUnknown
	}
	p = e.join(st, p, at, e.simIDs)
	p.subscribe(pubs, at+150, 40)
	return p
}

// publishers returns up to max participants publishing now.
func (s *session) publishers(max int) []*participant {
	var out []*participant
	for _, p := range s.parts {
		if len(out) == max || len(out) == s.publishing {
			break
		}
		if p.connected && p.publishing {
			out = append(out, p)
		}
	}
	return out
}

func (enc *simEncoder) step(e *Emulator, w *world, now int64) {
	c := enc.cfg
	period := int64(flapPeriod)
	if enc.script == scriptCycle {
		period = cyclePeriod
	}
	t := (e.simTicks + enc.offset) % period
	switch enc.script {
	case scriptFlap:
		if !c.redundant || len(c.creds) != 2 {
			return
		}
		switch t {
		case 0: // both encoders should be up: bring back any that is not
			for k := range c.creds {
				e.simConnect(w, keyRef{c, k}, now)
			}
			enc.down = -1
		case flapDropAt:
			k := enc.next
			codes := [...]errorCode{codeBitrateExceeded, codeResolutionExceeded, codeNone}
			code := codes[e.simRand.IntN(len(codes))]
			if _, other := w.encoderParticipant(keyRef{c, 1 - k}); other == nil || !other.connected {
				break // the other encoder is down (e.g. held on cue): this one carries on
			}
			if e.dropEncoder(w, keyRef{c, k}, now, code) == nil {
				enc.down = k
			}
		case flapRejoinAt:
			if enc.down >= 0 {
				e.simConnect(w, keyRef{c, enc.down}, now)
				enc.next = 1 - enc.down
				enc.down = -1
			}
		}
	case scriptCycle:
		if c.redundant {
			return
		}
		switch t {
		case 0:
			e.simConnect(w, keyRef{c, -1}, now)
		case cycleStopAt:
			_ = e.dropEncoder(w, keyRef{c, -1}, now, codeNone)
		}
	}
}

// simConnect brings a scripted encoder up unless it is held down on cue or
// connected already (a real encoder does not dial in twice, so no
// REUSE_OF_STREAM_KEY).
func (e *Emulator) simConnect(w *world, ref keyRef, now int64) {
	if *ref.held() {
		return
	}
	if _, p := w.encoderParticipant(ref); p != nil && p.connected {
		return
	}
	_, _ = e.connectEncoder(w, ref, now, e.simIDs)
}
