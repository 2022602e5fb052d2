package emulator

func init() {
	register("ListStageSessions", opListStageSessions)
	register("GetStageSession", opGetStageSession, errNotFound)
}

func sessionOutOf(s *session) sessionOut {
	o := sessionOut{SessionID: s.id, StartTime: isoTime(s.start)}
	if s.end != 0 {
		o.EndTime = isoTime(s.end)
	}
	return o
}

type listSessionsReq struct {
	StageArn *string `json:"stageArn"`
	listReq
}

// opListStageSessions lists newest first, so a live session leads and new
// sessions never shift the pages after the first.
func opListStageSessions(c *call) (any, error) {
	var req listSessionsReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	v.nextToken(req.NextToken)
	v.maxResults(req.MaxResults)
	if err := v.err(); err != nil {
		return nil, err
	}
	st, err := c.stageArg("stageArn", req.StageArn)
	if err != nil {
		return nil, err
	}
	pg, err := c.page(scopeOf("ListStageSessions", st.arn), req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	out := make([]sessionOut, 0, min(pg.limit, len(st.sessions)))
	var last int64
	i := len(st.sessions) - 1
	for ; i >= 0 && pg.has && st.sessions[i].seq >= pg.after; i-- {
	}
	for ; i >= 0 && len(out) < pg.limit; i-- {
		out = append(out, sessionOutOf(st.sessions[i]))
		last = st.sessions[i].seq
	}
	return struct {
		StageSessions []sessionOut `json:"stageSessions"`
		NextToken     *string      `json:"nextToken,omitempty"`
	}{out, c.next(pg, i >= 0, last)}, nil
}

type sessionReq struct {
	StageArn  *string `json:"stageArn"`
	SessionID *string `json:"sessionId"`
}

// sessionArgs validates and finds a stage and one of its sessions.
func (c *call) sessionArgs(stageArn, sessionID *string, more func(*validator)) (*stage, *session, error) {
	var v validator
	if v.required("stageArn", stageArn != nil) {
		v.str("stageArn", *stageArn, 1, 128, reStageArn, patStageArn)
	}
	if v.required("sessionId", sessionID != nil) {
		v.str("sessionId", *sessionID, 16, 16, reSessionID, patSessionID)
	}
	if more != nil {
		more(&v)
	}
	if err := v.err(); err != nil {
		return nil, nil, err
	}
	st := c.w.stageByArn(*stageArn)
	if st == nil {
		return nil, nil, notFoundf("Stage not found: %s", *stageArn)
	}
	s := st.sessionByID(*sessionID)
	if s == nil {
		return nil, nil, notFoundf("Session %s not found in stage %s", *sessionID, *stageArn)
	}
	return st, s, nil
}

func opGetStageSession(c *call) (any, error) {
	var req sessionReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	_, s, err := c.sessionArgs(req.StageArn, req.SessionID, nil)
	if err != nil {
		return nil, err
	}
	return struct {
		StageSession sessionOut `json:"stageSession"`
	}{sessionOutOf(s)}, nil
}
