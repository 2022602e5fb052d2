package emulator

// Session and participant lifecycle, shared by the API (DisconnectParticipant,
// force delete), the admin publish endpoints, the seed and the simulator.

// ensureSession returns the stage's live session, opening one on first join.
func (e *Emulator) ensureSession(st *stage, now int64, ids *idGen) *session {
	if st.active != nil {
		return st.active
	}
	s := &session{seq: e.nextSeq(), id: ids.sessionID(), stage: st, start: now, idleSince: now, bus: e.events}
	st.sessions = append(st.sessions, s)
	st.active = s
	return s
}

// join connects a participant (new, or rejoining with the same id) to the
// stage's live session and records JOINED.
func (e *Emulator) join(st *stage, p *participant, now int64, ids *idGen) *participant {
	s := e.ensureSession(st, now, ids)
	if old := s.participant(p.id); old != nil {
		if !old.connected {
			s.connected++
		}
		old.connected = true
		old.events = append(old.events, event{at: now, name: evJoined})
		return old
	}
	p.first = now
	p.connected = true
	s.connected++
	p.events = append(p.events, event{at: now, name: evJoined})
	s.add(p)
	return p
}

// subscribe records SUBSCRIBE_STARTED to each publisher, the first at at,
// the next step ms apart.
func (p *participant) subscribe(pubs []*participant, at, step int64) {
	for i, pub := range pubs {
		p.events = append(p.events, event{at: at + step*int64(i), name: evSubscribeStarted, remote: pub.id})
	}
}

// startPublishing marks a connected participant as publishing.
func (s *session) startPublishing(p *participant, now int64) {
	if p.publishing || !p.connected {
		return
	}
	p.publishing = true
	p.published = true
	if rec := s.stage.recording; rec != nil && (p.replType != replReplica || rec.RecordParticipantReplicas == nil || *rec.RecordParticipantReplicas) {
		p.recording = recActive
		s.bus.recordingChange(s, p, EventRecordingStart, now)
	}
	p.events = append(p.events, event{at: now, name: evPublishStarted})
	s.bus.stageUpdate(s, p, EventParticipantPublished, codeNone, now)
	s.publishing++
	s.idleSince = 0
}

// stopPublishing ends a participant's publishing, optionally after an error.
func (s *session) stopPublishing(p *participant, now int64, code errorCode) {
	if code != codeNone {
		p.events = append(p.events, event{at: now, name: evPublishError, code: code})
		s.bus.stageUpdate(s, p, EventParticipantPubError, code, now)
	}
	if !p.publishing {
		return
	}
	p.publishing = false
	if p.recording == recActive || p.recording == recStarting {
		p.recording = recStopped
		s.bus.recordingChange(s, p, EventRecordingEnd, now)
	}
	p.events = append(p.events, event{at: now, name: evPublishStopped})
	s.bus.stageUpdate(s, p, EventParticipantUnpub, codeNone, now)
	s.publishing--
	if s.publishing == 0 {
		s.idleSince = now
	}
}

// leave disconnects a participant and records LEFT.
func (s *session) leave(p *participant, now int64, code errorCode) {
	if !p.connected {
		return
	}
	s.stopPublishing(p, now, code)
	p.connected = false
	s.connected--
	if p.replType == replReplica || p.replType == replSource {
		p.replActive = false
	}
	p.events = append(p.events, event{at: now, name: evLeft})
}

// endSession closes the stage's live session, disconnecting everyone left.
func (e *Emulator) endSession(st *stage, now int64) {
	s := st.active
	if s == nil {
		return
	}
	for _, p := range s.parts {
		s.leave(p, now, codeNone)
	}
	s.end = now
	st.active = nil
}

// settle ends sessions whose last publisher left sessionEndGrace ago. It runs
// before every operation and every simulator tick, so the world is the same
// with or without the simulator.
func (e *Emulator) settle(w *world, now int64) {
	grace := sessionEndGrace.Milliseconds()
	for _, st := range w.stages {
		if s := st.active; s != nil && s.publishing == 0 && s.idleSince != 0 && now-s.idleSince >= grace {
			e.endSession(st, now)
		}
	}
	e.settleReplications(w, now)
	e.settleCompositions(w, now)
}

// publishResult is what an encoder connecting with a stream key gets.
type publishResult struct {
	StageArn      string `json:"stageArn"`
	SessionID     string `json:"sessionId"`
	ParticipantID string `json:"participantId"`
}

// publish connects an RTMP(S) encoder with a stream key, as an encoder does.
// In redundant mode only the two encoder keys publish; the top-level key is
// refused (the emulator's choice, see README).
func (e *Emulator) publish(w *world, key string, now int64, ids *idGen) (publishResult, error) {
	ref, ok := w.keys[key]
	if !ok {
		return publishResult{}, &apiError{"INVALID_STREAM_KEY", "The stream key is not valid"}
	}
	if ref.cfg.redundant && ref.cred < 0 {
		return publishResult{}, &apiError{"INVALID_STREAM_KEY", "This configuration uses redundant ingest: publish with one of its redundantIngestCredentials"}
	}
	return e.connectEncoder(w, ref, now, ids)
}

// connectEncoder joins an encoder to its configuration's stage (opening a
// session if none is live) and starts publishing. A second encoder on a key
// already in use is refused, and IVS records it on the participant holding
// the key.
func (e *Emulator) connectEncoder(w *world, ref keyRef, now int64, ids *idGen) (publishResult, error) {
	c := ref.cfg
	st, p := w.encoderParticipant(ref)
	if st == nil {
		return publishResult{}, &apiError{"INVALID_STREAM_KEY", "The ingest configuration is not attached to a stage"}
	}
	if p != nil && p.connected {
		p.events = append(p.events, event{at: now, name: evPublishError, code: codeReuseOfStreamKey})
		st.active.bus.stageUpdate(st.active, p, EventParticipantPubError, codeReuseOfStreamKey, now)
		return publishResult{}, &apiError{"REUSE_OF_STREAM_KEY", "The stream key is already in use"}
	}
	pid := ref.participantID()
	proto := protoRTMPS
	if c.protocol == "RTMP" {
		proto = protoRTMP
	}
	p = e.join(st, &participant{id: pid, userID: c.userID, attrs: c.attrs, ingestArn: c.arn,
		redundant: c.redundant, protocol: proto, client: profileEncoder}, now, ids)
	p.userID, p.attrs, p.redundant = c.userID, c.attrs, c.redundant
	st.active.startPublishing(p, now)
	return publishResult{st.arn, st.active.id, pid}, nil
}

// unpublish disconnects the encoder using key, with an optional error first.
func (e *Emulator) unpublish(w *world, key string, now int64, code errorCode) error {
	ref, ok := w.keys[key]
	if !ok {
		return &apiError{"INVALID_STREAM_KEY", "The stream key is not valid"}
	}
	return e.dropEncoder(w, ref, now, code)
}

// dropEncoder disconnects a connected encoder: PUBLISH_ERROR (when code is
// set), PUBLISH_STOPPED and LEFT at now.
func (e *Emulator) dropEncoder(w *world, ref keyRef, now int64, code errorCode) error {
	st, p := w.encoderParticipant(ref)
	if p == nil || !p.connected {
		return &apiError{"NOT_PUBLISHING", "No encoder is publishing with this key"}
	}
	st.active.leave(p, now, code)
	return nil
}

// encoderParticipant finds the stage an encoder publishes to (nil if its
// configuration has none) and its participant in the live session (nil if
// no session is live or it has not joined it).
func (w *world) encoderParticipant(ref keyRef) (*stage, *participant) {
	st := w.stageByArn(ref.cfg.stageArn)
	if st == nil || st.active == nil {
		return st, nil
	}
	return st, st.active.participant(ref.participantID())
}

// disconnectIngest disconnects every encoder of a configuration (force delete).
func (e *Emulator) disconnectIngest(w *world, c *ingestConfig, now int64) {
	st := w.stageByArn(c.stageArn)
	if st == nil || st.active == nil {
		return
	}
	for _, id := range c.participantIDs() {
		if p := st.active.participant(id); p != nil {
			st.active.leave(p, now, codeNone)
		}
	}
}
