package emulator

import (
	"sort"
	"strings"
)

// world is one region's state: each region is its own world, as in AWS.
type world struct {
	region  string
	account string

	stages    []*stage // ascending seq: the ListStages order
	stageByID map[string]*stage

	ingests    []*ingestConfig // ascending seq: the ListIngestConfigurations order
	ingestByID map[string]*ingestConfig

	encoders    []*encoderConfig // ascending seq: the ListEncoderConfigurations order
	encoderByID map[string]*encoderConfig

	storages    []*storageConfig // ascending seq: the ListStorageConfigurations order
	storageByID map[string]*storageConfig

	compositions    []*composition // ascending seq: the ListCompositions order
	compositionByID map[string]*composition

	publicKeys    []*publicKey // ascending seq: the ListPublicKeys order
	publicKeyByID map[string]*publicKey

	replications []*replicationLink // live participant replications

	// keys maps every live stream key to its configuration; cred is -1 for
	// the top-level key, 0 or 1 for a redundant encoder's key.
	keys map[string]keyRef
}

// keyRef names one encoder of a configuration: a redundant configuration's
// credential (cred 0 or 1) or the configuration's own key (cred -1).
type keyRef struct {
	cfg  *ingestConfig
	cred int
}

// encoders are the configuration's encoders: its two credentials when
// redundant, else its own key.
func (c *ingestConfig) encoders() []keyRef {
	if c.redundant {
		refs := make([]keyRef, len(c.creds))
		for i := range c.creds {
			refs[i] = keyRef{c, i}
		}
		return refs
	}
	return []keyRef{{c, -1}}
}

// held reports (and sets) whether the encoder is held down on cue.
func (k keyRef) held() *bool { return &k.cfg.held[max(k.cred, 0)] }

// participantID is the participant the encoder publishes as.
func (k keyRef) participantID() string {
	if k.cred >= 0 {
		return k.cfg.creds[k.cred].participantID
	}
	return k.cfg.participantID
}

func newWorld(region, account string) *world {
	return &world{
		region:          region,
		account:         account,
		stageByID:       map[string]*stage{},
		ingestByID:      map[string]*ingestConfig{},
		encoderByID:     map[string]*encoderConfig{},
		storageByID:     map[string]*storageConfig{},
		compositionByID: map[string]*composition{},
		publicKeyByID:   map[string]*publicKey{},
		keys:            map[string]keyRef{},
	}
}

type stage struct {
	seq       int64
	id, arn   string
	name      string
	tags      map[string]string
	endpoints endpointsOut
	recording *recordingConfig // nil: individual participant recording off

	sessions []*session // ascending seq (start time)
	active   *session

	sim  simStage // what the simulator does here (zero: nothing)
	cued int      // participants added on cue so far, for user ids

	// tokens are participant ids of issued tokens, with their expiry (Unix
	// ms), so DisconnectParticipant can revoke a token nobody joined with.
	tokens map[string]int64
}

// maxTokensPerStage bounds remembered tokens; expired ones go first.
const maxTokensPerStage = 10000

func (st *stage) rememberToken(pid string, exp, now int64) {
	if st.tokens == nil {
		st.tokens = map[string]int64{}
	}
	if len(st.tokens) >= maxTokensPerStage {
		for id, t := range st.tokens {
			if t <= now {
				delete(st.tokens, id)
			}
		}
		if len(st.tokens) >= maxTokensPerStage {
			clear(st.tokens)
		}
	}
	st.tokens[pid] = exp
}

type session struct {
	seq        int64
	id         string
	stage      *stage
	start, end int64 // Unix ms; end 0 while live

	// parts is append-only, in join order: the ListParticipants order, which
	// keeps paging free of duplicates and gaps while participants join.
	parts []*participant
	index map[string]int32

	bus *eventBus // EventBridge events of the session's participants

	connected  int   // participants connected now
	publishing int   // participants connected and publishing now
	idleSince  int64 // when publishing last dropped to zero (0 while someone publishes)
}

type ingestConfig struct {
	seq           int64
	id, arn, name string
	protocol      string // RTMP or RTMPS
	insecure      bool
	streamKey     string
	participantID string // the virtual participant in redundant mode
	stageArn      string
	userID        string
	attrs, tags   map[string]string
	redundant     bool
	creds         []credential // two when redundant, one per encoder
	// held marks encoders dropped on cue (index: encoder A or the single
	// encoder 0, B 1): the simulator leaves them down until recovered on cue.
	held [2]bool
}

type credential struct {
	participantID string
	streamKey     string
}

// arnParts splits arn:aws:ivs:<region>:<account>:<kind>/<id>.
func arnParts(arn string) (region, account, kind, id string, ok bool) {
	rest, found := strings.CutPrefix(arn, "arn:aws:ivs:")
	if !found {
		return
	}
	f := strings.SplitN(rest, ":", 3)
	if len(f) != 3 {
		return
	}
	kind, id, found = strings.Cut(f[2], "/")
	if !found {
		return
	}
	return f[0], f[1], kind, id, true
}

func (w *world) arn(kind, id string) string {
	return "arn:aws:ivs:" + w.region + ":" + w.account + ":" + kind + "/" + id
}

// stageByArn finds a stage of this region and account; any other ARN is unknown here.
func (w *world) stageByArn(arn string) *stage {
	region, account, kind, id, ok := arnParts(arn)
	if !ok || region != w.region || account != w.account || kind != "stage" {
		return nil
	}
	return w.stageByID[id]
}

func (w *world) ingestByArn(arn string) *ingestConfig {
	region, account, kind, id, ok := arnParts(arn)
	if !ok || region != w.region || account != w.account || kind != "ingest-configuration" {
		return nil
	}
	return w.ingestByID[id]
}

func (st *stage) sessionByID(id string) *session {
	for i := len(st.sessions) - 1; i >= 0; i-- {
		if st.sessions[i].id == id {
			return st.sessions[i]
		}
	}
	return nil
}

func (s *session) participant(id string) *participant {
	if i, ok := s.index[id]; ok {
		return s.parts[i]
	}
	return nil
}

// participantIDs are the participant ids an ingest configuration publishes as:
// the encoders' ids when redundant, else its own.
func (c *ingestConfig) participantIDs() []string {
	if c.redundant {
		ids := make([]string, len(c.creds))
		for i, cr := range c.creds {
			ids[i] = cr.participantID
		}
		return ids
	}
	return []string{c.participantID}
}

// ingestActive reports whether any of the configuration's encoders is
// publishing into its stage's live session.
func (w *world) ingestActive(c *ingestConfig) bool {
	st := w.stageByArn(c.stageArn)
	if st == nil || st.active == nil {
		return false
	}
	for _, id := range c.participantIDs() {
		if p := st.active.participant(id); p != nil && p.connected && p.publishing {
			return true
		}
	}
	return false
}

func (w *world) ingestState(c *ingestConfig) string {
	if w.ingestActive(c) {
		return "ACTIVE"
	}
	return "INACTIVE"
}

// removeStage drops a stage from the ordered list and the index.
func (w *world) removeStage(st *stage) {
	i := sort.Search(len(w.stages), func(i int) bool { return w.stages[i].seq >= st.seq })
	if i < len(w.stages) && w.stages[i] == st {
		w.stages = append(w.stages[:i], w.stages[i+1:]...)
	}
	delete(w.stageByID, st.id)
}

func (w *world) removeIngest(c *ingestConfig) {
	i := sort.Search(len(w.ingests), func(i int) bool { return w.ingests[i].seq >= c.seq })
	if i < len(w.ingests) && w.ingests[i] == c {
		w.ingests = append(w.ingests[:i], w.ingests[i+1:]...)
	}
	delete(w.ingestByID, c.id)
	w.forgetKeys(c)
}

func (w *world) forgetKeys(c *ingestConfig) {
	delete(w.keys, c.streamKey)
	for _, cr := range c.creds {
		delete(w.keys, cr.streamKey)
	}
}

func (w *world) indexKeys(c *ingestConfig) {
	w.keys[c.streamKey] = keyRef{c, -1}
	for i, cr := range c.creds {
		w.keys[cr.streamKey] = keyRef{c, i}
	}
}

// byArn finds the id of a resource of this region, account and kind named by
// arn; any other ARN is unknown here.
func (w *world) idOf(arn, kind string) (string, bool) {
	region, account, k, id, ok := arnParts(arn)
	if !ok || region != w.region || account != w.account || k != kind {
		return "", false
	}
	return id, true
}

func (w *world) encoderByArn(arn string) *encoderConfig {
	if id, ok := w.idOf(arn, "encoder-configuration"); ok {
		return w.encoderByID[id]
	}
	return nil
}

func (w *world) storageByArn(arn string) *storageConfig {
	if id, ok := w.idOf(arn, "storage-configuration"); ok {
		return w.storageByID[id]
	}
	return nil
}
