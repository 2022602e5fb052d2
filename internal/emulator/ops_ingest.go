package emulator

import "sort"

func init() {
	register("CreateIngestConfiguration", opCreateIngest, errQuota, errPendingVerify)
	register("GetIngestConfiguration", opGetIngest, errNotFound)
	register("ListIngestConfigurations", opListIngests)
	register("UpdateIngestConfiguration", opUpdateIngest, errNotFound, errConflict, errPendingVerify)
	register("DeleteIngestConfiguration", opDeleteIngest, errNotFound, errConflict, errPendingVerify)
}

// maxIngests is the default ingest-configurations-per-region quota.
const maxIngests = 100

type createIngestReq struct {
	Name            *string           `json:"name"`
	StageArn        *string           `json:"stageArn"`
	UserID          *string           `json:"userId"`
	Attributes      map[string]string `json:"attributes"`
	IngestProtocol  *string           `json:"ingestProtocol"`
	InsecureIngest  bool              `json:"insecureIngest"`
	RedundantIngest bool              `json:"redundantIngest"`
	Tags            map[string]string `json:"tags"`
}

func opCreateIngest(c *call) (any, error) {
	var req createIngestReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	v.optStr("name", req.Name, 0, 128, reName, patName)
	v.optStr("stageArn", req.StageArn, 0, 128, reOptStageArn, patOptStageArn)
	v.optStr("userId", req.UserID, 0, 128, nil, "")
	v.attributes("attributes", req.Attributes)
	if v.required("ingestProtocol", req.IngestProtocol != nil) {
		v.enum("ingestProtocol", *req.IngestProtocol, "RTMP", "RTMPS")
	}
	v.tags("tags", req.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	if *req.IngestProtocol == "RTMP" && !req.InsecureIngest {
		return nil, validationf("insecureIngest must be set to true when ingestProtocol is RTMP")
	}
	stageArn := deref(req.StageArn)
	if stageArn != "" && c.w.stageByArn(stageArn) == nil {
		return nil, validationf("Stage not found: %s", stageArn)
	}
	if len(c.w.ingests) >= maxIngests {
		return nil, quotaf("Limit of %d ingest configurations per region reached", maxIngests)
	}
	cfg := c.e.newIngest(c.w, ingestSpec{
		name: deref(req.Name), stageArn: stageArn, userID: deref(req.UserID), attrs: req.Attributes,
		protocol: *req.IngestProtocol, insecure: req.InsecureIngest, redundant: req.RedundantIngest, tags: req.Tags,
	}, c.e.ids)
	return ingestResp{c.w.ingestOut(cfg)}, nil
}

type ingestResp struct {
	IngestConfiguration ingestOut `json:"ingestConfiguration"`
}

type ingestSpec struct {
	name, stageArn, userID, protocol string
	attrs, tags                      map[string]string
	insecure, redundant              bool
}

func (e *Emulator) newIngest(w *world, s ingestSpec, ids *idGen) *ingestConfig {
	id := ids.resourceID()
	cfg := &ingestConfig{
		seq: e.nextSeq(), id: id, arn: w.arn("ingest-configuration", id), name: s.name,
		protocol: s.protocol, insecure: s.insecure, streamKey: streamKey(w.account, w.region, id),
		participantID: ids.participantID(), stageArn: s.stageArn, userID: s.userID,
		attrs: copyMap(s.attrs), tags: copyMap(s.tags),
	}
	if s.redundant {
		setRedundant(w, cfg, true, ids)
	}
	w.ingests = append(w.ingests, cfg)
	w.ingestByID[id] = cfg
	w.indexKeys(cfg)
	return cfg
}

// setRedundant issues the two encoder credentials on enable and revokes them
// on disable; the top-level key and participant id stay.
func setRedundant(w *world, cfg *ingestConfig, on bool, ids *idGen) {
	if cfg.redundant == on {
		return
	}
	w.forgetKeys(cfg)
	cfg.redundant = on
	cfg.creds = nil
	cfg.held = [2]bool{}
	if on {
		for range 2 {
			cfg.creds = append(cfg.creds, credential{ids.participantID(), streamKey(w.account, w.region, cfg.id)})
		}
	}
	w.indexKeys(cfg)
}

func (w *world) ingestOut(cfg *ingestConfig) ingestOut {
	o := ingestOut{
		Name: cfg.name, Arn: cfg.arn, IngestProtocol: cfg.protocol, StreamKey: cfg.streamKey,
		StageArn: cfg.stageArn, ParticipantID: cfg.participantID, State: w.ingestState(cfg),
		UserID: cfg.userID, RedundantIngest: cfg.redundant,
		Attributes: emptyMap(cfg.attrs), Tags: emptyMap(cfg.tags),
	}
	for _, cr := range cfg.creds {
		o.RedundantIngestCredentials = append(o.RedundantIngestCredentials, credentialOut{ParticipantID: cr.participantID, StreamKey: cr.streamKey})
	}
	return o
}

// ingestArg validates a required ingest configuration ARN and finds it.
func (c *call) ingestArg(arn *string) (*ingestConfig, error) {
	return lookupArn("arn", arn, reIngestArn, patIngestArn, c.w.ingestByArn, "Ingest configuration")
}

func opGetIngest(c *call) (any, error) {
	var req arnReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	cfg, err := c.ingestArg(req.Arn)
	if err != nil {
		return nil, err
	}
	return ingestResp{c.w.ingestOut(cfg)}, nil
}

type listIngestReq struct {
	FilterByStageArn *string `json:"filterByStageArn"`
	FilterByState    *string `json:"filterByState"`
	listReq
}

func opListIngests(c *call) (any, error) {
	var req listIngestReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	v.optStr("filterByStageArn", req.FilterByStageArn, 1, 128, reStageArn, patStageArn)
	if req.FilterByState != nil {
		v.enum("filterByState", *req.FilterByState, "ACTIVE", "INACTIVE")
	}
	v.nextToken(req.NextToken)
	v.maxResults(req.MaxResults)
	if err := v.err(); err != nil {
		return nil, err
	}
	if req.FilterByStageArn != nil && req.FilterByState != nil {
		return nil, validationf("Only one filter can be used at a time: filterByStageArn or filterByState")
	}
	pg, err := c.page(scopeOf("ListIngestConfigurations", deref(req.FilterByStageArn), deref(req.FilterByState)),
		req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	match := func(cfg *ingestConfig) bool {
		switch {
		case req.FilterByStageArn != nil:
			return cfg.stageArn == *req.FilterByStageArn
		case req.FilterByState != nil:
			return c.w.ingestState(cfg) == *req.FilterByState
		}
		return true
	}
	list := c.w.ingests
	i := 0
	if pg.has {
		i = sort.Search(len(list), func(i int) bool { return list[i].seq > pg.after })
	}
	out := make([]ingestSummaryOut, 0, min(pg.limit, len(list)))
	var last int64
	more := false
	for ; i < len(list); i++ {
		cfg := list[i]
		if !match(cfg) {
			continue
		}
		if len(out) == pg.limit {
			more = true
			break
		}
		out = append(out, ingestSummaryOut{Name: cfg.name, Arn: cfg.arn, IngestProtocol: cfg.protocol,
			StageArn: cfg.stageArn, ParticipantID: cfg.participantID, State: c.w.ingestState(cfg),
			UserID: cfg.userID, RedundantIngest: cfg.redundant})
		last = cfg.seq
	}
	return struct {
		IngestConfigurations []ingestSummaryOut `json:"ingestConfigurations"`
		NextToken            *string            `json:"nextToken,omitempty"`
	}{out, c.next(pg, more, last)}, nil
}

type updateIngestReq struct {
	Arn             *string `json:"arn"`
	StageArn        *string `json:"stageArn"`
	RedundantIngest bool    `json:"redundantIngest"`
}

// opUpdateIngest changes the stage and redundant ingest. An absent
// redundantIngest is false (the SDK omits false); an absent stageArn keeps
// the stage and "" detaches it.
func opUpdateIngest(c *call) (any, error) {
	var req updateIngestReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	v.optStr("stageArn", req.StageArn, 0, 128, reOptStageArn, patOptStageArn)
	if err := v.err(); err != nil {
		return nil, err
	}
	cfg, err := c.ingestArg(req.Arn)
	if err != nil {
		return nil, err
	}
	if c.w.ingestActive(cfg) {
		return nil, conflictf("Ingest configuration %s is ACTIVE (a publisher is streaming) and cannot be updated", cfg.arn)
	}
	if req.StageArn != nil && *req.StageArn != "" && c.w.stageByArn(*req.StageArn) == nil {
		return nil, validationf("Stage not found: %s", *req.StageArn)
	}
	if req.StageArn != nil {
		cfg.stageArn = *req.StageArn
	}
	setRedundant(c.w, cfg, req.RedundantIngest, c.e.ids)
	return ingestResp{c.w.ingestOut(cfg)}, nil
}

type deleteIngestReq struct {
	Arn   *string `json:"arn"`
	Force bool    `json:"force"`
}

func opDeleteIngest(c *call) (any, error) {
	var req deleteIngestReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	cfg, err := c.ingestArg(req.Arn)
	if err != nil {
		return nil, err
	}
	if c.w.ingestActive(cfg) {
		if !req.Force {
			return nil, conflictf("Ingest configuration %s is ACTIVE; set force to true to disconnect the publisher and delete it", cfg.arn)
		}
		c.e.disconnectIngest(c.w, cfg, c.now)
	}
	c.w.removeIngest(cfg)
	return nil, nil
}
