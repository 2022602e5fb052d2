package emulator

import "sort"

func init() {
	register("CreateStage", opCreateStage, errQuota, errPendingVerify)
	register("GetStage", opGetStage, errNotFound)
	register("ListStages", opListStages, errConflict)
	register("UpdateStage", opUpdateStage, errNotFound, errQuota, errConflict, errPendingVerify)
	register("DeleteStage", opDeleteStage, errNotFound, errConflict, errPendingVerify)
}

// maxStages is the default stages-per-region quota.
const maxStages = 1000

type createStageReq struct {
	Name                                  *string           `json:"name"`
	ParticipantTokenConfigurations        []tokenRequest    `json:"participantTokenConfigurations"`
	Tags                                  map[string]string `json:"tags"`
	AutoParticipantRecordingConfiguration *recordingConfig  `json:"autoParticipantRecordingConfiguration"`
}

func opCreateStage(c *call) (any, error) {
	var req createStageReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	v.optStr("name", req.Name, 0, 128, reName, patName)
	v.maxSize("participantTokenConfigurations", len(req.ParticipantTokenConfigurations), 12)
	for _, t := range req.ParticipantTokenConfigurations {
		t.validate(&v, "participantTokenConfigurations.member.")
	}
	v.tags("tags", req.Tags)
	validateRecording(&v, req.AutoParticipantRecordingConfiguration)
	if err := v.err(); err != nil {
		return nil, err
	}
	if len(c.w.stages) >= maxStages {
		return nil, quotaf("Limit of %d stages per region reached", maxStages)
	}
	st := c.e.newStage(c.w, deref(req.Name), req.Tags, req.AutoParticipantRecordingConfiguration, c.e.ids)
	tokens := make([]participantTokenOut, 0, len(req.ParticipantTokenConfigurations))
	for _, t := range req.ParticipantTokenConfigurations {
		tokens = append(tokens, c.e.issueToken(c.w, st, t, c.now))
	}
	return struct {
		Stage             stageOut              `json:"stage"`
		ParticipantTokens []participantTokenOut `json:"participantTokens"`
	}{c.w.stageOut(st), tokens}, nil
}

// newStage creates a stage with endpoints in the real services' shape.
func (e *Emulator) newStage(w *world, name string, tags map[string]string, rec *recordingConfig, ids *idGen) *stage {
	id := ids.resourceID()
	h := ids.endpointHash()
	st := &stage{
		seq: e.nextSeq(), id: id, arn: w.arn("stage", id), name: name, tags: copyMap(tags),
		recording: withRecordingDefaults(rec),
		endpoints: endpointsOut{
			Events: "wss://global.events.live-video.net",
			Whip:   "https://" + h + ".global-bm.whip.live-video.net",
			Rtmp:   "rtmp://" + h + ".global-contribute-staging.live-video.net/app/",
			Rtmps:  "rtmps://" + h + ".global-contribute-staging.live-video.net:443/app/",
		},
	}
	w.stages = append(w.stages, st)
	w.stageByID[id] = st
	return st
}

func (w *world) stageOut(st *stage) stageOut {
	o := stageOut{Arn: st.arn, Name: st.name, Tags: emptyMap(st.tags), Endpoints: &st.endpoints,
		AutoParticipantRecordingConfiguration: st.recording}
	if st.active != nil {
		o.ActiveSessionID = st.active.id
	}
	return o
}

type arnReq struct {
	Arn *string `json:"arn"`
}

// stageArg validates a required stage ARN member and finds the stage.
func (c *call) stageArg(field string, arn *string) (*stage, error) {
	return lookupArn(field, arn, reStageArn, patStageArn, c.w.stageByArn, "Stage")
}

func opGetStage(c *call) (any, error) {
	var req arnReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	st, err := c.stageArg("arn", req.Arn)
	if err != nil {
		return nil, err
	}
	return struct {
		Stage stageOut `json:"stage"`
	}{c.w.stageOut(st)}, nil
}

type listReq struct {
	NextToken  *string `json:"nextToken"`
	MaxResults *int    `json:"maxResults"`
}

func opListStages(c *call) (any, error) {
	var req listReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	v.nextToken(req.NextToken)
	v.maxResults(req.MaxResults)
	if err := v.err(); err != nil {
		return nil, err
	}
	pg, err := c.page(scopeOf("ListStages"), req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	i := 0
	if pg.has {
		i = sort.Search(len(c.w.stages), func(i int) bool { return c.w.stages[i].seq > pg.after })
	}
	out := make([]stageSummaryOut, 0, min(pg.limit, len(c.w.stages)))
	var last int64
	for ; i < len(c.w.stages) && len(out) < pg.limit; i++ {
		st := c.w.stages[i]
		s := stageSummaryOut{Arn: st.arn, Name: st.name, Tags: emptyMap(st.tags)}
		if st.active != nil {
			s.ActiveSessionID = st.active.id
		}
		out = append(out, s)
		last = st.seq
	}
	return struct {
		Stages    []stageSummaryOut `json:"stages"`
		NextToken *string           `json:"nextToken,omitempty"`
	}{out, c.next(pg, i < len(c.w.stages), last)}, nil
}

type updateStageReq struct {
	Arn                                   *string          `json:"arn"`
	Name                                  *string          `json:"name"`
	AutoParticipantRecordingConfiguration *recordingConfig `json:"autoParticipantRecordingConfiguration"`
}

func opUpdateStage(c *call) (any, error) {
	var req updateStageReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	v.optStr("name", req.Name, 0, 128, reName, patName)
	validateRecording(&v, req.AutoParticipantRecordingConfiguration)
	if err := v.err(); err != nil {
		return nil, err
	}
	st, err := c.stageArg("arn", req.Arn)
	if err != nil {
		return nil, err
	}
	if req.AutoParticipantRecordingConfiguration != nil && st.recordingActive() {
		// The model: "this cannot be updated while recording is active".
		return nil, conflictf("Stage %s has participants being recorded: autoParticipantRecordingConfiguration cannot be updated while recording is active", st.arn)
	}
	if req.Name != nil {
		st.name = *req.Name
	}
	if req.AutoParticipantRecordingConfiguration != nil {
		st.recording = withRecordingDefaults(req.AutoParticipantRecordingConfiguration)
	}
	return struct {
		Stage stageOut `json:"stage"`
	}{c.w.stageOut(st)}, nil
}

// opDeleteStage shuts the stage down: its live session ends (everyone is
// disconnected) and, as IVS documents, configurations that were publishing
// into it are detached; others keep the dead ARN and cannot publish.
func opDeleteStage(c *call) (any, error) {
	var req arnReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	st, err := c.stageArg("arn", req.Arn)
	if err != nil {
		return nil, err
	}
	var publishing []*ingestConfig
	for _, cfg := range c.w.ingests {
		if cfg.stageArn == st.arn && c.w.ingestActive(cfg) {
			publishing = append(publishing, cfg)
		}
	}
	c.e.endSession(st, c.now)
	for _, cfg := range publishing {
		cfg.stageArn = ""
	}
	c.w.removeStage(st)
	return nil, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func copyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
