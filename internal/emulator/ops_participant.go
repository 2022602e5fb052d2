package emulator

import "strconv"

func init() {
	register("ListParticipants", opListParticipants)
	register("GetParticipant", opGetParticipant, errNotFound)
	register("ListParticipantEvents", opListParticipantEvents)
	register("DisconnectParticipant", opDisconnectParticipant, errNotFound, errPendingVerify)
}

type listParticipantsReq struct {
	sessionReq
	FilterByUserID         *string `json:"filterByUserId"`
	FilterByPublished      bool    `json:"filterByPublished"`
	FilterByState          *string `json:"filterByState"`
	FilterByRecordingState *string `json:"filterByRecordingState"`
	listReq
}

func opListParticipants(c *call) (any, error) {
	var req listParticipantsReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	_, s, err := c.sessionArgs(req.StageArn, req.SessionID, func(v *validator) {
		v.optStr("filterByUserId", req.FilterByUserID, 0, 128, nil, "")
		if req.FilterByState != nil {
			v.enum("filterByState", *req.FilterByState, "CONNECTED", "DISCONNECTED")
		}
		if req.FilterByRecordingState != nil {
			v.enum("filterByRecordingState", *req.FilterByRecordingState, "STARTING", "ACTIVE", "STOPPING", "STOPPED", "FAILED")
		}
		v.nextToken(req.NextToken)
		v.maxResults(req.MaxResults)
	})
	if err != nil {
		return nil, err
	}
	filters := 0
	for _, set := range []bool{req.FilterByUserID != nil, req.FilterByPublished, req.FilterByState != nil, req.FilterByRecordingState != nil} {
		if set {
			filters++
		}
	}
	if filters > 1 {
		return nil, validationf("Only one of filterByUserId, filterByPublished, filterByState, or filterByRecordingState can be provided per request")
	}
	pg, err := c.page(scopeOf("ListParticipants", deref(req.StageArn), s.id, deref(req.FilterByUserID),
		strconv.FormatBool(req.FilterByPublished), deref(req.FilterByState), deref(req.FilterByRecordingState)),
		req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	match := participantFilter(req)
	i := 0
	if pg.has {
		i = int(pg.after) + 1
	}
	out := make([]participantSummaryOut, 0, min(pg.limit, len(s.parts)))
	last, more := int64(0), false
	for ; i < len(s.parts); i++ {
		p := s.parts[i]
		if !match(p) {
			continue
		}
		if len(out) == pg.limit {
			more = true
			break
		}
		out = append(out, summaryOf(p))
		last = int64(i)
	}
	return struct {
		Participants []participantSummaryOut `json:"participants"`
		NextToken    *string                 `json:"nextToken,omitempty"`
	}{out, c.next(pg, more, last)}, nil
}

func participantFilter(req listParticipantsReq) func(*participant) bool {
	switch {
	case req.FilterByUserID != nil:
		u := *req.FilterByUserID
		return func(p *participant) bool { return p.userID == u }
	case req.FilterByPublished:
		return func(p *participant) bool { return p.published }
	case req.FilterByState != nil:
		want := *req.FilterByState == "CONNECTED"
		return func(p *participant) bool { return p.connected == want }
	case req.FilterByRecordingState != nil:
		r := *req.FilterByRecordingState
		return func(p *participant) bool { return p.recording.String() == r }
	}
	return func(*participant) bool { return true }
}

func summaryOf(p *participant) participantSummaryOut {
	o := participantSummaryOut{
		ParticipantID: p.id, UserID: p.userID, State: p.state(), FirstJoinTime: isoTime(p.first),
		Published: p.published, RecordingState: p.recording.String(), ReplicationType: replicationNames[p.replType],
		SourceStageArn: p.srcStage, SourceSessionID: p.srcSession,
		RedundantIngest: p.redundant, IngestConfigurationArn: p.ingestArn,
	}
	if p.replType != replNone {
		o.ReplicationState = "STOPPED"
		if p.replActive {
			o.ReplicationState = "ACTIVE"
		}
	}
	return o
}

type participantReq struct {
	sessionReq
	ParticipantID *string `json:"participantId"`
}

func (c *call) participantArgs(req participantReq, more func(*validator)) (*stage, *session, *participant, error) {
	st, s, err := c.sessionArgs(req.StageArn, req.SessionID, func(v *validator) {
		if v.required("participantId", req.ParticipantID != nil) {
			v.str("participantId", *req.ParticipantID, 0, 64, reParticipant, patParticipant)
		}
		if more != nil {
			more(v)
		}
	})
	if err != nil {
		return nil, nil, nil, err
	}
	p := s.participant(*req.ParticipantID)
	if p == nil {
		return nil, nil, nil, notFoundf("Participant %s not found in session %s", *req.ParticipantID, s.id)
	}
	return st, s, p, nil
}

func opGetParticipant(c *call) (any, error) {
	var req participantReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	st, s, p, err := c.participantArgs(req, nil)
	if err != nil {
		return nil, err
	}
	cp := clientProfiles[p.client]
	o := participantOut{
		participantSummaryOut: summaryOf(p), Attributes: emptyMap(p.attrs),
		IspName: cp.isp, OsName: cp.osName, OsVersion: cp.osVersion, BrowserName: cp.browser,
		BrowserVersion: cp.browserVersion, SdkVersion: cp.sdk, Protocol: protocolNames[p.protocol],
	}
	if p.recording != recDisabled {
		o.RecordingS3BucketName = recordingBucket
		o.RecordingS3Prefix = st.id + "-" + s.id + "-" + p.id
	}
	return struct {
		Participant participantOut `json:"participant"`
	}{o}, nil
}

// recordingBucket is where the demo's individual participant recordings "go".
const recordingBucket = "greenroom-demo-recordings"

type listEventsReq struct {
	participantReq
	listReq
}

func opListParticipantEvents(c *call) (any, error) {
	var req listEventsReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	_, s, p, err := c.participantArgs(req.participantReq, func(v *validator) {
		v.nextToken(req.NextToken)
		v.maxResults(req.MaxResults)
	})
	if err != nil {
		return nil, err
	}
	pg, err := c.page(scopeOf("ListParticipantEvents", deref(req.StageArn), s.id, p.id), req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	i := 0
	if pg.has {
		i = int(pg.after) + 1
	}
	out := make([]eventOut, 0, min(pg.limit, len(p.events)))
	last := int64(0)
	for ; i < len(p.events) && len(out) < pg.limit; i++ {
		ev := p.events[i]
		o := eventOut{Name: eventNames[ev.name], ParticipantID: p.id, EventTime: isoTime(ev.at),
			RemoteParticipantID: ev.remote, ErrorCode: errorCodeNames[ev.code]}
		if ev.repl != nil {
			o.DestinationStageArn, o.DestinationSessionID, o.Replica = ev.repl.stageArn, ev.repl.sessionID, ev.repl.replica
		}
		out = append(out, o)
		last = int64(i)
	}
	return struct {
		Events    []eventOut `json:"events"`
		NextToken *string    `json:"nextToken,omitempty"`
	}{out, c.next(pg, i < len(p.events), last)}, nil
}

type disconnectReq struct {
	StageArn      *string `json:"stageArn"`
	ParticipantID *string `json:"participantId"`
	Reason        *string `json:"reason"`
}

// opDisconnectParticipant disconnects a participant of the live session, or
// revokes an issued token nobody joined with yet. Disconnecting an ingest
// participant also clears its configuration's stageArn, as IVS documents; in
// redundant mode that stops both encoders (their keys need a stage).
func opDisconnectParticipant(c *call) (any, error) {
	var req disconnectReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	if v.required("participantId", req.ParticipantID != nil) {
		v.str("participantId", *req.ParticipantID, 0, 64, reTokenID, patTokenID)
	}
	v.optStr("reason", req.Reason, 0, 128, nil, "")
	if err := v.err(); err != nil {
		return nil, err
	}
	st, err := c.stageArg("stageArn", req.StageArn)
	if err != nil {
		return nil, err
	}
	pid := *req.ParticipantID
	if cfg := c.w.ingestOfParticipant(st, pid); cfg != nil && c.w.ingestActive(cfg) {
		c.e.disconnectIngest(c.w, cfg, c.now)
		cfg.stageArn = ""
		return nil, nil
	}
	if s := st.active; s != nil {
		if p := s.participant(pid); p != nil && p.connected {
			s.leave(p, c.now, codeNone)
			return nil, nil
		}
	}
	if exp, ok := st.tokens[pid]; ok && exp > c.now {
		delete(st.tokens, pid) // revoked before anyone joined with it
		return nil, nil
	}
	return nil, notFoundf("Participant %s is not connected to stage %s", pid, st.arn)
}

// ingestOfParticipant finds the configuration publishing to st as pid
// (its own id, the virtual id, or one of its encoders' ids).
func (w *world) ingestOfParticipant(st *stage, pid string) *ingestConfig {
	for _, cfg := range w.ingests {
		if cfg.stageArn != st.arn {
			continue
		}
		if cfg.participantID == pid {
			return cfg
		}
		for _, cr := range cfg.creds {
			if cr.participantID == pid {
				return cfg
			}
		}
	}
	return nil
}
