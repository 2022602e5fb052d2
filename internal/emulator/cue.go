package emulator

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Cues are admin endpoints that make things happen now, without waiting for
// the simulator and without stream keys: drop or recover one encoder of an
// ingest configuration, end a stage's live session, add or remove WebRTC
// participants, and list the configurations' encoders. They go through the
// same lifecycle as the API and the simulator (settle, join, publish, leave,
// endSession), so events and states follow the usual rules.
//
// An encoder dropped on cue is held: the simulator's scripts do not bring it
// back until it is recovered on cue (or published by key).

// adminErr is an admin API error with its HTTP status.
type adminErr struct {
	status int
	code   string
	msg    string
}

func (a *adminErr) Error() string { return a.code + ": " + a.msg }

func badRequest(format string, args ...any) *adminErr {
	return &adminErr{http.StatusBadRequest, "BadRequest", fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) *adminErr {
	return &adminErr{http.StatusNotFound, "NotFound", fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) *adminErr {
	return &adminErr{http.StatusConflict, "Conflict", fmt.Sprintf(format, args...)}
}

// serveCue answers a cue with its result or its error.
func serveCue(w http.ResponseWriter, r *http.Request, fn func(*http.Request) (any, error)) {
	out, err := fn(r)
	if err != nil {
		writeAdminErr(w, err)
		return
	}
	adminJSON(w, http.StatusOK, out)
}

func writeAdminErr(w http.ResponseWriter, err error) {
	var ae *adminErr
	if errors.As(err, &ae) {
		adminError(w, ae.status, ae.code, ae.msg)
		return
	}
	adminError(w, http.StatusInternalServerError, "Internal", err.Error())
}

// cueDecode reads a cue's JSON body strictly.
func cueDecode(r *http.Request, v any) error {
	if err := adminDecode(r, v); err != nil {
		if errors.Is(err, io.EOF) {
			return badRequest("a JSON body is required")
		}
		return badRequest("invalid JSON body: %v", err)
	}
	return nil
}

// maxPublishersPerStage is IVS's limit of participants publishing at once in
// a stage. Only the participants cue enforces it.
const maxPublishersPerStage = 12

// maxCueParticipants bounds one participants cue.
const maxCueParticipants = 10000

// cueRegion resolves the region of a target given by id or ARN: an ARN
// names its region, which must agree with region when both are given; an id
// needs region (default us-east-1).
func cueRegion(region, ref, field string) (string, error) {
	if ref == "" {
		return "", badRequest("%s is required (an id or an ARN)", field)
	}
	if strings.HasPrefix(ref, "arn:") {
		r, _, _, _, ok := arnParts(ref)
		if !ok {
			return "", badRequest("%s %q is not a valid ARN", field, ref)
		}
		if region != "" && region != r {
			return "", badRequest("region %s does not match the region of %s (%s)", region, field, r)
		}
		region = r
	}
	if region == "" {
		region = "us-east-1"
	}
	if !reRegion.MatchString(region) {
		return "", badRequest("invalid region %q", region)
	}
	return region, nil
}

// cueWorld returns the region's world settled at now, nil if the emulator
// holds no such region. Callers hold e.mu.
func (e *Emulator) cueWorld(region string) (*world, int64) {
	now := ms(e.clock.Now())
	w := e.worlds[region]
	if w != nil {
		e.settle(w, now)
	}
	return w, now
}

// cueIngest finds an ingest configuration by id or ARN. Callers hold e.mu.
func (e *Emulator) cueIngest(region, ref string) (*world, *ingestConfig, int64, error) {
	region, err := cueRegion(region, ref, "ingestConfiguration")
	if err != nil {
		return nil, nil, 0, err
	}
	w, now := e.cueWorld(region)
	var cfg *ingestConfig
	if w != nil {
		if strings.HasPrefix(ref, "arn:") {
			cfg = w.ingestByArn(ref)
		} else {
			cfg = w.ingestByID[ref]
		}
	}
	if cfg == nil {
		return nil, nil, 0, notFound("ingest configuration %s not found in %s", ref, region)
	}
	return w, cfg, now, nil
}

// cueStage finds a stage by id or ARN. Callers hold e.mu.
func (e *Emulator) cueStage(region, ref string) (*world, *stage, int64, error) {
	region, err := cueRegion(region, ref, "stage")
	if err != nil {
		return nil, nil, 0, err
	}
	w, now := e.cueWorld(region)
	var st *stage
	if w != nil {
		if strings.HasPrefix(ref, "arn:") {
			st = w.stageByArn(ref)
		} else {
			st = w.stageByID[ref]
		}
	}
	if st == nil {
		return nil, nil, 0, notFound("stage %s not found in %s", ref, region)
	}
	return w, st, now, nil
}

// cueEncoder names an encoder of cfg: "A" is the first of its
// redundantIngestCredentials, "B" the second; a configuration without
// redundant ingest has one encoder, "A" or "".
func cueEncoder(cfg *ingestConfig, name string) (keyRef, error) {
	switch strings.ToUpper(name) {
	case "A":
		if cfg.redundant {
			return keyRef{cfg, 0}, nil
		}
		return keyRef{cfg, -1}, nil
	case "B":
		if cfg.redundant {
			return keyRef{cfg, 1}, nil
		}
		return keyRef{}, badRequest(`ingest configuration %s does not use redundant ingest: its only encoder is "A" (or "")`, cfg.arn)
	case "":
		if cfg.redundant {
			return keyRef{}, badRequest(`ingest configuration %s uses redundant ingest: encoder must be "A" or "B"`, cfg.arn)
		}
		return keyRef{cfg, -1}, nil
	}
	return keyRef{}, badRequest(`unknown encoder %q: want "A" or "B" ("A" or "" without redundant ingest)`, name)
}

// name is the encoder's cue name.
func (k keyRef) name() string {
	if k.cred == 1 {
		return "B"
	}
	return "A"
}

// cueIngestOut is a configuration as the cues show it: never a stream key.
type cueIngestOut struct {
	ID              string          `json:"id"`
	Arn             string          `json:"arn"`
	Name            string          `json:"name"`
	StageArn        string          `json:"stageArn"`
	SessionID       string          `json:"sessionId,omitempty"` // the stage's live session
	State           string          `json:"state"`
	RedundantIngest bool            `json:"redundantIngest"`
	Encoders        []cueEncoderOut `json:"encoders"`
}

type cueEncoderOut struct {
	Encoder       string `json:"encoder"` // "A" or "B"
	ParticipantID string `json:"participantId"`
	Connected     bool   `json:"connected"`  // in the stage's live session
	Publishing    bool   `json:"publishing"` // connected and publishing now
	Held          bool   `json:"held"`       // dropped on cue: the simulator leaves it down
}

func (w *world) cueIngestOut(cfg *ingestConfig) cueIngestOut {
	o := cueIngestOut{ID: cfg.id, Arn: cfg.arn, Name: cfg.name, StageArn: cfg.stageArn,
		State: w.ingestState(cfg), RedundantIngest: cfg.redundant, Encoders: []cueEncoderOut{}}
	if st := w.stageByArn(cfg.stageArn); st != nil && st.active != nil {
		o.SessionID = st.active.id
	}
	for _, ref := range cfg.encoders() {
		eo := cueEncoderOut{Encoder: ref.name(), ParticipantID: ref.participantID(), Held: *ref.held()}
		if _, p := w.encoderParticipant(ref); p != nil {
			eo.Connected, eo.Publishing = p.connected, p.connected && p.publishing
		}
		o.Encoders = append(o.Encoders, eo)
	}
	return o
}

// cueListIngest: GET /_emulator/ingest?region=us-east-1.
func (e *Emulator) cueListIngest(r *http.Request) (any, error) {
	region := r.URL.Query().Get("region")
	if region == "" {
		region = "us-east-1"
	}
	if !reRegion.MatchString(region) {
		return nil, badRequest("invalid region %q", region)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []cueIngestOut{}
	if w, _ := e.cueWorld(region); w != nil {
		for _, cfg := range w.ingests {
			out = append(out, w.cueIngestOut(cfg))
		}
	}
	return struct {
		Region               string         `json:"region"`
		IngestConfigurations []cueIngestOut `json:"ingestConfigurations"`
	}{region, out}, nil
}

type cueEncoderReq struct {
	Region              string `json:"region"`
	IngestConfiguration string `json:"ingestConfiguration"` // id or ARN
	Encoder             string `json:"encoder"`             // "A", "B"; "A" or "" without redundant ingest
}

type cueDropReq struct {
	cueEncoderReq
	ErrorCode string `json:"errorCode"` // PUBLISH_ERROR recorded first, e.g. BITRATE_EXCEEDED
}

// cueDrop: POST /_emulator/encoder/drop. The encoder records PUBLISH_ERROR
// (with errorCode), PUBLISH_STOPPED and LEFT now, and is held down.
func (e *Emulator) cueDrop(r *http.Request) (any, error) {
	var req cueDropReq
	if err := cueDecode(r, &req); err != nil {
		return nil, err
	}
	code, err := parseErrorCode(req.ErrorCode)
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	w, cfg, now, err := e.cueIngest(req.Region, req.IngestConfiguration)
	if err != nil {
		return nil, err
	}
	ref, err := cueEncoder(cfg, req.Encoder)
	if err != nil {
		return nil, err
	}
	st, p := w.encoderParticipant(ref)
	if st == nil {
		return nil, conflict("ingest configuration %s is not attached to a stage", cfg.arn)
	}
	if p == nil || !p.connected {
		return nil, conflict("encoder %s of ingest configuration %s is not connected", ref.name(), cfg.arn)
	}
	if err := e.dropEncoder(w, ref, now, code); err != nil {
		return nil, err
	}
	*ref.held() = true
	e.log.Info("emulator: cue", "cue", "drop", "ingestConfigurationArn", cfg.arn, "encoder", ref.name(),
		"participantId", p.id, "errorCode", req.ErrorCode)
	return w.cueIngestOut(cfg), nil
}

// cueRecover: POST /_emulator/encoder/recover. The encoder joins again with
// its participant id and publishes, opening a session if none is live.
func (e *Emulator) cueRecover(r *http.Request) (any, error) {
	var req cueEncoderReq
	if err := cueDecode(r, &req); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	w, cfg, now, err := e.cueIngest(req.Region, req.IngestConfiguration)
	if err != nil {
		return nil, err
	}
	ref, err := cueEncoder(cfg, req.Encoder)
	if err != nil {
		return nil, err
	}
	st, p := w.encoderParticipant(ref)
	if st == nil {
		return nil, conflict("ingest configuration %s is not attached to a stage", cfg.arn)
	}
	if p != nil && p.connected {
		return nil, conflict("encoder %s of ingest configuration %s is already connected", ref.name(), cfg.arn)
	}
	if _, err := e.connectEncoder(w, ref, now, e.ids); err != nil {
		return nil, err
	}
	*ref.held() = false
	e.log.Info("emulator: cue", "cue", "recover", "ingestConfigurationArn", cfg.arn, "encoder", ref.name(),
		"participantId", ref.participantID())
	return w.cueIngestOut(cfg), nil
}

func parseErrorCode(name string) (errorCode, error) {
	if name == "" {
		return codeNone, nil
	}
	code := errorCodeByName(name)
	if code == codeNone {
		return codeNone, badRequest("unknown errorCode %s", name)
	}
	return code, nil
}

type cueStageReq struct {
	Region string `json:"region"`
	Stage  string `json:"stage"` // id or ARN
}

type cueEncoderName struct {
	IngestConfigurationArn string `json:"ingestConfigurationArn"`
	Encoder                string `json:"encoder"`
}

// cueEndSession: POST /_emulator/session/end. Everyone connected leaves, the
// session ends now, and the stage's encoders that were connected are held.
func (e *Emulator) cueEndSession(r *http.Request) (any, error) {
	var req cueStageReq
	if err := cueDecode(r, &req); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	w, st, now, err := e.cueStage(req.Region, req.Stage)
	if err != nil {
		return nil, err
	}
	s := st.active
	if s == nil {
		return nil, conflict("stage %s has no live session", st.arn)
	}
	held := []cueEncoderName{}
	for _, cfg := range w.ingests {
		for _, ref := range cfg.encoders() {
			if st2, p := w.encoderParticipant(ref); st2 == st && p != nil && p.connected {
				*ref.held() = true
				held = append(held, cueEncoderName{cfg.arn, ref.name()})
			}
		}
	}
	left := s.connected
	e.endSession(st, now)
	e.log.Info("emulator: cue", "cue", "end-session", "stageArn", st.arn, "sessionId", s.id, "left", left)
	return struct {
		StageArn     string           `json:"stageArn"`
		SessionID    string           `json:"sessionId"`
		EndTime      string           `json:"endTime"`
		Left         int              `json:"left"`         // participants that were connected
		HeldEncoders []cueEncoderName `json:"heldEncoders"` // encoders dropped, held until recovered
	}{st.arn, s.id, isoTime(s.end), left, held}, nil
}

type cueAddReq struct {
	cueStageReq
	Count        int    `json:"count"`
	Published    bool   `json:"published"`
	UserIDPrefix string `json:"userIdPrefix"` // default "cue-publisher-" or "cue-viewer-"
}

type cueParticipantsOut struct {
	StageArn       string   `json:"stageArn"`
	SessionID      string   `json:"sessionId"`
	ParticipantIDs []string `json:"participantIds"` // added, or removed
	Connected      int      `json:"connected"`      // in the session now
	Publishing     int      `json:"publishing"`     // in the session now
}

func cueCount(n int) error {
	if n < 1 || n > maxCueParticipants {
		return badRequest("count must be between 1 and %d, got %d", maxCueParticipants, n)
	}
	return nil
}

// cueAddParticipants: POST /_emulator/participants/add. WebRTC participants
// join the stage's live session (opened if none is live, as a first join
// does); viewers subscribe to up to 3 publishers, publishers publish.
func (e *Emulator) cueAddParticipants(r *http.Request) (any, error) {
	var req cueAddReq
	if err := cueDecode(r, &req); err != nil {
		return nil, err
	}
	if err := cueCount(req.Count); err != nil {
		return nil, err
	}
	prefix := req.UserIDPrefix
	if prefix == "" {
		prefix = "cue-viewer-"
		if req.Published {
			prefix = "cue-publisher-"
		}
	}
	if len(prefix) > 100 {
		return nil, badRequest("userIdPrefix must be at most 100 characters")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, st, now, err := e.cueStage(req.Region, req.Stage)
	if err != nil {
		return nil, err
	}
	if req.Published {
		publishing := 0
		if st.active != nil {
			publishing = st.active.publishing
		}
		if publishing+req.Count > maxPublishersPerStage {
			return nil, badRequest("stage %s has %d publishers: %d more would exceed the limit of %d publishers per stage",
				st.arn, publishing, req.Count, maxPublishersPerStage)
		}
	}
	s := e.ensureSession(st, now, e.ids)
	pubs := s.publishers(maxSubscribed)
	ids := make([]string, 0, req.Count)
	for range req.Count {
		st.cued++
		p := e.join(st, &participant{id: e.ids.participantID(), userID: prefix + strconv.Itoa(st.cued),
			client: uint16(1 + st.cued%(len(clientProfiles)-1)), protocol: protoWHIP}, now, e.ids)
		if req.Published {
			s.startPublishing(p, now)
		} else {
			p.subscribe(pubs, now, 0)
		}
		ids = append(ids, p.id)
	}
	e.log.Info("emulator: cue", "cue", "add-participants", "stageArn", st.arn, "sessionId", s.id,
		"count", req.Count, "published", req.Published)
	return cueParticipantsOut{st.arn, s.id, ids, s.connected, s.publishing}, nil
}

type cueRemoveReq struct {
	cueStageReq
	Count int `json:"count"`
}

// cueRemoveParticipants: POST /_emulator/participants/remove. The N most
// recently joined connected WebRTC participants (not encoders, not
// replicas) leave.
func (e *Emulator) cueRemoveParticipants(r *http.Request) (any, error) {
	var req cueRemoveReq
	if err := cueDecode(r, &req); err != nil {
		return nil, err
	}
	if err := cueCount(req.Count); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	_, st, now, err := e.cueStage(req.Region, req.Stage)
	if err != nil {
		return nil, err
	}
	s := st.active
	if s == nil {
		return nil, conflict("stage %s has no live session", st.arn)
	}
	var leaving []*participant
	for i := len(s.parts) - 1; i >= 0 && len(leaving) < req.Count; i-- {
		if p := s.parts[i]; p.connected && p.ingestArn == "" && p.replType == replNone {
			leaving = append(leaving, p)
		}
	}
	if len(leaving) < req.Count {
		return nil, conflict("stage %s has %d connected WebRTC participants: cannot remove %d", st.arn, len(leaving), req.Count)
	}
	ids := make([]string, 0, len(leaving))
	for _, p := range leaving {
		s.leave(p, now, codeNone)
		ids = append(ids, p.id)
	}
	e.log.Info("emulator: cue", "cue", "remove-participants", "stageArn", st.arn, "sessionId", s.id, "count", req.Count)
	return cueParticipantsOut{st.arn, s.id, ids, s.connected, s.publishing}, nil
}
