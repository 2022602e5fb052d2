package emulator

import "sort"

func init() {
	register("StartParticipantReplication", opStartReplication, errNotFound, errInternal, errQuota, errConflict, errPendingVerify)
	register("StopParticipantReplication", opStopReplication, errNotFound, errInternal)
	register("ListParticipantReplicas", opListReplicas)
}

// replicationLink is a live replication of a publishing participant from a
// source stage's session into a destination stage's session, where it
// appears as a REPLICA participant with the same id.
type replicationLink struct {
	pid                string
	src, dst           *stage
	srcSession, dstSes *session
	window             int64 // reconnectWindowSeconds, in ms
	lostSince          int64 // when the source stopped publishing (0: it publishes)
}

type replicationReq struct {
	SourceStageArn         *string           `json:"sourceStageArn"`
	DestinationStageArn    *string           `json:"destinationStageArn"`
	ParticipantID          *string           `json:"participantId"`
	ReconnectWindowSeconds *int              `json:"reconnectWindowSeconds"`
	Attributes             map[string]string `json:"attributes"`
}

// replicationArgs validates the members both operations share and finds the stages.
func (c *call) replicationArgs(req replicationReq, extra func(*validator)) (src, dst *stage, err error) {
	var v validator
	for _, f := range []struct {
		name string
		arn  *string
	}{{"sourceStageArn", req.SourceStageArn}, {"destinationStageArn", req.DestinationStageArn}} {
		if v.required(f.name, f.arn != nil) {
			v.str(f.name, *f.arn, 1, 128, reStageArn, patStageArn)
		}
	}
	if v.required("participantId", req.ParticipantID != nil) {
		v.str("participantId", *req.ParticipantID, 0, 64, reParticipant, patParticipant)
	}
	if extra != nil {
		extra(&v)
	}
	if err := v.err(); err != nil {
		return nil, nil, err
	}
	if *req.SourceStageArn == *req.DestinationStageArn {
		return nil, nil, validationf("The source and destination stages must be different")
	}
	if src = c.w.stageByArn(*req.SourceStageArn); src == nil {
		return nil, nil, notFoundf("Stage not found: %s", *req.SourceStageArn)
	}
	if dst = c.w.stageByArn(*req.DestinationStageArn); dst == nil {
		return nil, nil, notFoundf("Stage not found: %s", *req.DestinationStageArn)
	}
	return src, dst, nil
}

func (w *world) replicationLink(src, dst *stage, pid string) *replicationLink {
	for _, l := range w.replications {
		if l.src == src && l.dst == dst && l.pid == pid {
			return l
		}
	}
	return nil
}

func opStartReplication(c *call) (any, error) {
	var req replicationReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	src, dst, err := c.replicationArgs(req, func(v *validator) {
		v.intRange("reconnectWindowSeconds", req.ReconnectWindowSeconds, 0, 300)
		v.attributes("attributes", req.Attributes)
	})
	if err != nil {
		return nil, err
	}
	pid := *req.ParticipantID
	var p *participant
	if src.active != nil {
		p = src.active.participant(pid)
	}
	switch {
	case p == nil:
		return nil, notFoundf("Participant %s is not in the live session of stage %s", pid, src.arn)
	case p.replType == replReplica:
		return nil, conflictf("Participant %s is a replica in stage %s and cannot be replicated", pid, src.arn)
	case !p.connected || !p.publishing:
		return nil, conflictf("Participant %s is not publishing in stage %s", pid, src.arn)
	case c.w.replicationLink(src, dst, pid) != nil:
		return nil, conflictf("Participant %s is already replicated from %s to %s", pid, src.arn, dst.arn)
	}
	if dst.active != nil {
		if q := dst.active.participant(pid); q != nil && q.connected {
			return nil, conflictf("Participant %s is already connected to stage %s", pid, dst.arn)
		}
	}
	attrs := req.Attributes
	if attrs == nil {
		attrs = p.attrs
	}
	c.e.startReplica(c.w, src, dst, p, attrs, int64(deref0(req.ReconnectWindowSeconds))*1000, c.now, c.e.ids)
	return nil, nil
}

func deref0(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

// startReplica joins the replica to the destination (opening a session if
// none is live), starts it publishing and records REPLICATION_STARTED on the
// source participant, as the demo world's replicas are.
func (e *Emulator) startReplica(w *world, src, dst *stage, p *participant, attrs map[string]string, window, now int64, ids *idGen) {
	ds := e.ensureSession(dst, now, ids)
	r := e.join(dst, &participant{id: p.id, userID: p.userID, attrs: copyMap(attrs), client: p.client, protocol: p.protocol,
		replType: replReplica, replActive: true, srcStage: src.arn, srcSession: src.active.id}, now, ids)
	r.replType, r.replActive, r.srcStage, r.srcSession, r.attrs = replReplica, true, src.arn, src.active.id, copyMap(attrs)
	r.events[len(r.events)-1].repl = &replTarget{replica: true}
	ds.startPublishing(r, now)
	r.events[len(r.events)-1].repl = &replTarget{replica: true}
	p.replType, p.replActive = replSource, true
	p.events = append(p.events, event{at: now, name: evReplicationStarted, repl: &replTarget{stageArn: dst.arn, sessionID: ds.id}})
	src.active.bus.stageUpdate(src.active, p, EventReplicationStarted, codeNone, now)
	w.replications = append(w.replications, &replicationLink{pid: p.id, src: src, dst: dst, srcSession: src.active, dstSes: ds, window: window})
}

// stopReplica ends a replication at now: the replica leaves the destination
// and the source participant records REPLICATION_STOPPED.
func (w *world) stopReplica(l *replicationLink, now int64) {
	if r := l.dstSes.participant(l.pid); r != nil {
		l.dstSes.leave(r, now, codeNone)
	}
	w.replications = removeLink(w.replications, l)
	p := l.srcSession.participant(l.pid)
	if p == nil {
		return
	}
	p.events = append(p.events, event{at: now, name: evReplicationStopped, repl: &replTarget{stageArn: l.dst.arn, sessionID: l.dstSes.id}})
	l.srcSession.bus.stageUpdate(l.srcSession, p, EventReplicationEnded, codeNone, now)
	p.replActive = false
	for _, o := range w.replications {
		if o.srcSession == l.srcSession && o.pid == l.pid {
			p.replActive = p.connected
		}
	}
}

func removeLink(list []*replicationLink, l *replicationLink) []*replicationLink {
	for i, o := range list {
		if o == l {
			return append(list[:i], list[i+1:]...)
		}
	}
	return list
}

func opStopReplication(c *call) (any, error) {
	var stop struct {
		SourceStageArn      *string `json:"sourceStageArn"`
		DestinationStageArn *string `json:"destinationStageArn"`
		ParticipantID       *string `json:"participantId"`
	}
	if err := decodeBody(c.body, &stop); err != nil {
		return nil, err
	}
	req := replicationReq{SourceStageArn: stop.SourceStageArn, DestinationStageArn: stop.DestinationStageArn, ParticipantID: stop.ParticipantID}
	src, dst, err := c.replicationArgs(req, nil)
	if err != nil {
		return nil, err
	}
	pid := *req.ParticipantID
	l := c.w.replicationLink(src, dst, pid)
	if l == nil {
		// A replica without a link (seeded): stop it all the same.
		if dst.active != nil && src.active != nil {
			if r := dst.active.participant(pid); r != nil && r.replType == replReplica && r.srcStage == src.arn && r.connected {
				l = &replicationLink{pid: pid, src: src, dst: dst, srcSession: src.active, dstSes: dst.active}
			}
		}
	}
	if l == nil {
		return nil, notFoundf("No active replication of participant %s from %s to %s", pid, src.arn, dst.arn)
	}
	c.w.stopReplica(l, c.now)
	return nil, nil
}

// settleReplications stops replications whose destination session ended or
// whose source stopped publishing for longer than the reconnect window.
func (e *Emulator) settleReplications(w *world, now int64) {
	for _, l := range append([]*replicationLink(nil), w.replications...) {
		r := l.dstSes.participant(l.pid)
		if l.dstSes.end != 0 || r == nil || !r.connected || w.stageByID[l.dst.id] != l.dst {
			w.stopReplica(l, now)
			continue
		}
		p := l.srcSession.participant(l.pid)
		if p != nil && p.connected && p.publishing && l.srcSession.end == 0 {
			l.lostSince = 0
			continue
		}
		if l.lostSince == 0 {
			l.lostSince = now
			if p != nil && len(p.events) > 0 {
				l.lostSince = p.events[len(p.events)-1].at
			}
		}
		if now >= l.lostSince+l.window {
			w.stopReplica(l, l.lostSince+l.window)
		}
	}
}

type listReplicasReq struct {
	SourceStageArn *string `json:"sourceStageArn"`
	ParticipantID  *string `json:"participantId"`
	listReq
}

type replicaOut struct {
	SourceStageArn       string `json:"sourceStageArn"`
	ParticipantID        string `json:"participantId"`
	SourceSessionID      string `json:"sourceSessionId"`
	DestinationStageArn  string `json:"destinationStageArn"`
	DestinationSessionID string `json:"destinationSessionId"`
	ReplicationState     string `json:"replicationState"`
}

// opListReplicas lists the participant's replicas from the source stage in
// every destination session, current and past, in session order.
func opListReplicas(c *call) (any, error) {
	var req listReplicasReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	if v.required("sourceStageArn", req.SourceStageArn != nil) {
		v.str("sourceStageArn", *req.SourceStageArn, 1, 128, reStageArn, patStageArn)
	}
	if v.required("participantId", req.ParticipantID != nil) {
		v.str("participantId", *req.ParticipantID, 0, 64, reParticipant, patParticipant)
	}
	v.nextToken(req.NextToken)
	v.intRange("maxResults", req.MaxResults, 1, 50)
	if err := v.err(); err != nil {
		return nil, err
	}
	src := c.w.stageByArn(*req.SourceStageArn)
	if src == nil {
		return nil, validationf("Stage not found: %s", *req.SourceStageArn)
	}
	pg, err := c.page(scopeOf("ListParticipantReplicas", src.arn, *req.ParticipantID), req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	type found struct {
		s *session
		r *participant
	}
	var all []found
	for _, st := range c.w.stages {
		if st == src {
			continue
		}
		for _, s := range st.sessions {
			if r := s.participant(*req.ParticipantID); r != nil && r.replType == replReplica && r.srcStage == src.arn {
				all = append(all, found{s, r})
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].s.seq < all[j].s.seq })
	out := make([]replicaOut, 0, min(pg.limit, len(all)))
	var last int64
	i := 0
	if pg.has {
		i = sort.Search(len(all), func(i int) bool { return all[i].s.seq > pg.after })
	}
	for ; i < len(all) && len(out) < pg.limit; i++ {
		f := all[i]
		state := "STOPPED"
		if f.r.connected && f.r.replActive {
			state = "ACTIVE"
		}
		out = append(out, replicaOut{SourceStageArn: src.arn, ParticipantID: f.r.id, SourceSessionID: f.r.srcSession,
			DestinationStageArn: f.s.stage.arn, DestinationSessionID: f.s.id, ReplicationState: state})
		last = f.s.seq
	}
	return struct {
		Replicas  []replicaOut `json:"replicas"`
		NextToken *string      `json:"nextToken,omitempty"`
	}{out, c.next(pg, i < len(all), last)}, nil
}
