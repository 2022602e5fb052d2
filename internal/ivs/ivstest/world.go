package ivstest

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Account is the AWS account of the fake's ARNs unless Fake.Account says otherwise.
const Account = "123456789012"

// world is what the fake holds. Lists page with "o<offset>" tokens; any
// other token is IVS's ValidationException.
type world struct {
	stages       []ivs.Stage // in list order
	sessions     map[string][]ivs.StageSession
	participants map[string][]ivs.Participant      // by stage ARN + "/" + session id
	events       map[string][]ivs.ParticipantEvent // by stage ARN + "/" + session id + "/" + participant id
	configs      []ivs.IngestConfiguration         // with their keys
	byToken      map[string]string                 // idempotency key -> ARN
	stageByToken map[string]string                 // a stage create's idempotency key -> ARN
	tokens       []ivs.ParticipantToken            // issued, with their secrets
	seq          int
	writes       []Write
	queries      []ivs.ParticipantQuery
	pageSize     int
	out          output // the program output (program.go)
}

// Write is one create, update or delete the fake was asked for.
type Write struct {
	Op     string
	Create ivs.CreateIngestInput
	Update ivs.UpdateIngestInput
	ARN    string
	Force  bool

	CreateStage ivs.CreateStageInput
	UpdateStage ivs.UpdateStageInput
	Tags        map[string]string // TagResource
	TagKeys     []string          // UntagResource
	Token       ivs.CreateTokenInput

	Composition ivs.StartCompositionInput
	Encoder     ivs.CreateEncoderInput
	Storage     ivs.CreateStorageInput
	PublicKey   ivs.ImportPublicKeyInput
	Replication ivs.StartReplicationInput
}

func sessionKey(stageARN, sessionID string) string { return stageARN + "/" + sessionID }

// AddStage adds a stage (its ARN is built from its id when empty).
func (f *Fake) AddStage(st ivs.Stage) ivs.Stage {
	f.mu.Lock()
	defer f.mu.Unlock()
	if st.ARN == "" {
		st.ARN = ivs.StageARN("us-east-1", Account, st.ID)
	}
	f.w.stages = append(f.w.stages, st)
	return st
}

// AddSession adds a session of a stage; sessions list in the order added,
// so add the newest first.
func (f *Fake) AddSession(stageARN string, s ivs.StageSession) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.w.sessions == nil {
		f.w.sessions = map[string][]ivs.StageSession{}
	}
	f.w.sessions[stageARN] = append(f.w.sessions[stageARN], s)
}

// EndSession ends a session at t and clears the stage's active session.
func (f *Fake) EndSession(stageARN, sessionID string, t time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.w.sessions[stageARN] {
		if f.w.sessions[stageARN][i].ID == sessionID {
			f.w.sessions[stageARN][i].EndTime = t
		}
	}
	for i := range f.w.stages {
		if f.w.stages[i].ARN == stageARN && f.w.stages[i].ActiveSessionID == sessionID {
			f.w.stages[i].ActiveSessionID = ""
		}
	}
}

// SetParticipants replaces a session's participants.
func (f *Fake) SetParticipants(stageARN, sessionID string, ps []ivs.Participant) {
	f.UpdateParticipants(stageARN, sessionID, func([]ivs.Participant) []ivs.Participant { return ps })
}

// UpdateParticipants changes a session's participants.
func (f *Fake) UpdateParticipants(stageARN, sessionID string, fn func([]ivs.Participant) []ivs.Participant) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.w.participants == nil {
		f.w.participants = map[string][]ivs.Participant{}
	}
	k := sessionKey(stageARN, sessionID)
	f.w.participants[k] = fn(f.w.participants[k])
}

// SetEvents replaces a participant's timeline.
func (f *Fake) SetEvents(stageARN, sessionID, participantID string, evs []ivs.ParticipantEvent) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.w.events == nil {
		f.w.events = map[string][]ivs.ParticipantEvent{}
	}
	f.w.events[sessionKey(stageARN, sessionID)+"/"+participantID] = evs
}

// SetPageSize makes every list answer pages of n items, whatever
// maxResults asks (0: what maxResults asks, 50 by default).
func (f *Fake) SetPageSize(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.w.pageSize = n
}

// AddIngest adds an ingest configuration with its keys (ARN from the id
// when empty). Get and List never return the keys; RevealStreamKeys does.
func (f *Fake) AddIngest(c ivs.IngestConfiguration) ivs.IngestConfiguration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c.ARN == "" {
		c.ARN = ingestARN("us-east-1", c.ID)
	}
	f.w.configs = append(f.w.configs, c)
	return c
}

// ChangeIngest changes a configuration in place (its state, its stage…).
func (f *Fake) ChangeIngest(arn string, fn func(*ivs.IngestConfiguration)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i := f.ingestIndex(arn); i >= 0 {
		fn(&f.w.configs[i])
	}
}

// IngestCount is the number of configurations.
func (f *Fake) IngestCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.w.configs)
}

// Writes are the creates, updates and deletes asked for, in order.
func (f *Fake) Writes() []Write {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.w.writes)
}

// Participants are a session's participants as the fake holds them.
func (f *Fake) Participants(stageARN, sessionID string) []ivs.Participant {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.w.participants[sessionKey(stageARN, sessionID)])
}

// ParticipantQueries are the ListParticipants queries asked, in order.
func (f *Fake) ParticipantQueries() []ivs.ParticipantQuery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.w.queries)
}

func (f *Fake) recordWrite(w Write) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.w.writes = append(f.w.writes, w)
}

func (f *Fake) recordQuery(q ivs.ParticipantQuery) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.w.queries = append(f.w.queries, q)
}

func ingestARN(region ivs.Region, id string) string {
	return ivs.ARN{Partition: "aws", Region: region, Account: Account, Resource: ivs.ResourceIngestConfiguration, ID: id}.String()
}

// page cuts one page out of items, as IVS pages a list.
func page[T any](f *Fake, op string, items []T, q ivs.ListQuery) (ivs.Page[T], error) {
	off := 0
	if q.NextToken != "" {
		o, err := strconv.Atoi(strings.TrimPrefix(q.NextToken, "o"))
		if err != nil || !strings.HasPrefix(q.NextToken, "o") || o < 0 {
			return ivs.Page[T]{}, Err(ivs.KindValidation, op, "the pagination token is invalid")
		}
		off = o
	}
	size := int(q.MaxResults)
	if size == 0 {
		size = 50
	}
	if f.w.pageSize > 0 {
		size = f.w.pageSize
	}
	off = min(off, len(items))
	end := min(off+size, len(items))
	p := ivs.Page[T]{Items: slices.Clone(items[off:end])}
	if end < len(items) {
		p.NextToken = "o" + strconv.Itoa(end)
	}
	return p, nil
}

func (f *Fake) listStages(q ivs.ListQuery) (ivs.Page[ivs.Stage], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return page(f, "ListStages", f.w.stages, q)
}

func (f *Fake) stage(arn string) (ivs.Stage, bool) {
	for _, st := range f.w.stages {
		if st.ARN == arn {
			return st, true
		}
	}
	return ivs.Stage{}, false
}

func (f *Fake) getStage(arn string) (ivs.Stage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if st, ok := f.stage(arn); ok {
		return st, nil
	}
	return ivs.Stage{}, Err(ivs.KindNotFound, "GetStage", "Stage not found")
}

func (f *Fake) listSessions(stageARN string, q ivs.ListQuery) (ivs.Page[ivs.StageSession], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return page(f, "ListStageSessions", f.w.sessions[stageARN], q)
}

func (f *Fake) getSession(stageARN, id string) (ivs.StageSession, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.w.sessions[stageARN] {
		if s.ID == id {
			return s, nil
		}
	}
	return ivs.StageSession{}, Err(ivs.KindNotFound, "GetStageSession", "Stage session not found")
}

// ParticipantsPage is what the world answers to ListParticipants, for a
// scripted ListParticipantsFn that wraps the answer.
func (f *Fake) ParticipantsPage(q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
	return f.listParticipants(q)
}

func (f *Fake) listParticipants(q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.stage(q.StageARN); !ok {
		return ivs.Page[ivs.Participant]{}, Err(ivs.KindValidation, "ListParticipants", "Stage not found")
	}
	var match []ivs.Participant
	for _, p := range f.w.participants[sessionKey(q.StageARN, q.SessionID)] {
		switch {
		case q.State != "" && p.State != q.State,
			q.PublishedOnly && !p.Published,
			q.UserID != "" && p.UserID != q.UserID,
			q.RecordingState != "" && p.RecordingState != q.RecordingState:
			continue
		}
		p.Detailed = false
		match = append(match, p)
	}
	return page(f, "ListParticipants", match, q.ListQuery)
}

func (f *Fake) getParticipant(stageARN, sessionID, id string) (ivs.Participant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, p := range f.w.participants[sessionKey(stageARN, sessionID)] {
		if p.ID == id {
			p.Detailed = true
			return p, nil
		}
	}
	return ivs.Participant{}, Err(ivs.KindNotFound, "GetParticipant", "Participant not found")
}

func (f *Fake) listEvents(stageARN, sessionID, id string, q ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return page(f, "ListParticipantEvents", f.w.events[sessionKey(stageARN, sessionID)+"/"+id], q)
}

// disconnect marks the participant DISCONNECTED in the stage's live session.
func (f *Fake) disconnect(stageARN, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, ok := f.stage(stageARN)
	if !ok || !st.Live() {
		return Err(ivs.KindNotFound, "DisconnectParticipant", "Participant not found")
	}
	ps := f.w.participants[sessionKey(stageARN, st.ActiveSessionID)]
	for i := range ps {
		if ps[i].ID == id && ps[i].Connected() {
			ps[i].State, ps[i].Published = ivs.ParticipantDisconnected, false
			return nil
		}
	}
	return Err(ivs.KindNotFound, "DisconnectParticipant", "Participant not found")
}

func (f *Fake) ingestIndex(arn string) int {
	return slices.IndexFunc(f.w.configs, func(c ivs.IngestConfiguration) bool { return c.ARN == arn })
}

// withoutKeys is a configuration as Get answers it (List also drops what
// summaries lack).
func withoutKeys(c ivs.IngestConfiguration) ivs.IngestConfiguration {
	c.StreamKey = ivs.StreamKey{}
	c.Credentials = slices.Clone(c.Credentials)
	for i := range c.Credentials {
		c.Credentials[i].StreamKey = ivs.StreamKey{}
	}
	return c
}

// IngestPage is what the world answers to ListIngestConfigurations, for a
// scripted ListIngestConfigurationsFn that changes the answer.
func (f *Fake) IngestPage(q ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error) {
	return f.listIngest(q)
}

func (f *Fake) listIngest(q ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if q.StageARN != "" && q.State != "" {
		return ivs.Page[ivs.IngestConfiguration]{}, Err(ivs.KindValidation, "ListIngestConfigurations", "Only one filter may be set")
	}
	var match []ivs.IngestConfiguration
	for _, c := range f.w.configs {
		if (q.StageARN != "" && c.StageARN != q.StageARN) || (q.State != "" && c.State != q.State) {
			continue
		}
		c = withoutKeys(c)
		c.Summary, c.Attributes, c.Tags, c.Credentials = true, nil, nil, nil
		match = append(match, c)
	}
	return page(f, "ListIngestConfigurations", match, q.ListQuery)
}

func (f *Fake) getIngest(arn string, keys bool) (ivs.IngestConfiguration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.ingestIndex(arn)
	if i < 0 {
		return ivs.IngestConfiguration{}, Err(ivs.KindNotFound, "GetIngestConfiguration", "Ingest configuration not found")
	}
	c := f.w.configs[i]
	if keys {
		c.Credentials = slices.Clone(c.Credentials)
		return c, nil
	}
	return withoutKeys(c), nil
}

// createIngest applies the service layer's promise (one configuration per
// idempotency key) and the API's RTMP rule.
func (f *Fake) createIngest(region ivs.Region, in ivs.CreateIngestInput) (ivs.IngestConfiguration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if arn, ok := f.w.byToken[in.IdempotencyKey]; ok && in.IdempotencyKey != "" {
		return withoutKeys(f.w.configs[f.ingestIndex(arn)]), nil
	}
	if in.Protocol == ivs.ProtocolRTMP && !in.InsecureIngest {
		return ivs.IngestConfiguration{}, &ivs.Error{Kind: ivs.KindValidation, Op: "CreateIngestConfiguration", Field: "insecureIngest", Message: "insecureIngest must be set to true when ingestProtocol is RTMP"}
	}
	f.w.seq++
	id := fmt.Sprintf("New%09d", f.w.seq)
	c := ivs.IngestConfiguration{ARN: ingestARN(region, id), ID: id, Name: in.Name, Protocol: in.Protocol, StageARN: in.StageARN,
		ParticipantID: fmt.Sprintf("pNew%08d", f.w.seq), State: ivs.IngestInactive, UserID: in.UserID, RedundantIngest: in.RedundantIngest,
		Attributes: maps.Clone(in.Attributes), Tags: maps.Clone(in.Tags), StreamKey: ivs.NewStreamKey("rt_" + Account + "_" + string(region) + "_" + id + "_NEWSECRET")}
	if in.RedundantIngest {
		c.Credentials = newCredentials(c.ParticipantID, id, region)
	}
	f.w.configs = append(f.w.configs, c)
	if in.IdempotencyKey != "" {
		if f.w.byToken == nil {
			f.w.byToken = map[string]string{}
		}
		f.w.byToken[in.IdempotencyKey] = c.ARN
	}
	return withoutKeys(c), nil
}

func newCredentials(pid, id string, region ivs.Region) []ivs.RedundantCredential {
	key := func(s string) ivs.StreamKey {
		return ivs.NewStreamKey("rt_" + Account + "_" + string(region) + "_" + id + "_NEWSECRET" + s)
	}
	return []ivs.RedundantCredential{{ParticipantID: pid + "A", StreamKey: key("A")}, {ParticipantID: pid + "B", StreamKey: key("B")}}
}

func (f *Fake) updateIngest(in ivs.UpdateIngestInput) (ivs.IngestConfiguration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.ingestIndex(in.ARN)
	if i < 0 {
		return ivs.IngestConfiguration{}, Err(ivs.KindNotFound, "UpdateIngestConfiguration", "Ingest configuration not found")
	}
	c := &f.w.configs[i]
	if c.Active() {
		return ivs.IngestConfiguration{}, Err(ivs.KindConflict, "UpdateIngestConfiguration", "Ingest configuration is ACTIVE and cannot be updated")
	}
	if in.StageARN != "" {
		c.StageARN = in.StageARN
	}
	if in.RedundantIngest && !c.RedundantIngest {
		a, _ := ivs.ParseARN(c.ARN, ivs.ResourceIngestConfiguration)
		c.Credentials = newCredentials(c.ParticipantID, c.ID, a.Region)
	}
	if !in.RedundantIngest {
		c.Credentials = nil
	}
	c.RedundantIngest = in.RedundantIngest
	return withoutKeys(*c), nil
}

func (f *Fake) deleteIngest(arn string, force bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.ingestIndex(arn)
	if i < 0 {
		return Err(ivs.KindNotFound, "DeleteIngestConfiguration", "Ingest configuration not found")
	}
	if f.w.configs[i].Active() && !force {
		return Err(ivs.KindConflict, "DeleteIngestConfiguration", "Ingest configuration is ACTIVE; use force")
	}
	f.w.configs = slices.Delete(f.w.configs, i, i+1)
	return nil
}
