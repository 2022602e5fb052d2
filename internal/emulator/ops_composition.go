package emulator

import (
	"reflect"
	"sort"
	"time"
)

func init() {
	register("StartComposition", opStartComposition, errNotFound, errInternal, errQuota, errConflict, errPendingVerify)
	register("GetComposition", opGetComposition, errNotFound, errInternal, errQuota, errConflict)
	register("ListCompositions", opListCompositions, errInternal, errQuota, errConflict)
	register("StopComposition", opStopComposition, errNotFound, errInternal, errQuota, errConflict)
}

// Composition timing (the emulator's figures, see README): STARTING and
// STOPPING last a few seconds; a composition stops after a minute without
// participants in its stage (documented); a stopped one stays visible for ten
// minutes, then is deleted.
const (
	compositionStartDelay  = 3 * time.Second
	compositionStopDelay   = 3 * time.Second
	compositionIdleTimeout = time.Minute
	compositionRetention   = 10 * time.Minute
	maxCompositions        = 100 // running at once per region
)

const (
	compStarting = "STARTING"
	compActive   = "ACTIVE"
	compStopping = "STOPPING"
	compStopped  = "STOPPED"
	compFailed   = "FAILED"
)

// Request and response shapes.

type gridConfig struct {
	FeaturedParticipantAttribute *string `json:"featuredParticipantAttribute,omitempty"`
	OmitStoppedVideo             *bool   `json:"omitStoppedVideo,omitempty"`
	VideoAspectRatio             *string `json:"videoAspectRatio,omitempty"`
	VideoFillMode                *string `json:"videoFillMode,omitempty"`
	GridGap                      *int    `json:"gridGap,omitempty"`
	ParticipantOrderAttribute    *string `json:"participantOrderAttribute,omitempty"`
}

type pipConfig struct {
	FeaturedParticipantAttribute *string `json:"featuredParticipantAttribute,omitempty"`
	OmitStoppedVideo             *bool   `json:"omitStoppedVideo,omitempty"`
	VideoFillMode                *string `json:"videoFillMode,omitempty"`
	GridGap                      *int    `json:"gridGap,omitempty"`
	PipParticipantAttribute      *string `json:"pipParticipantAttribute,omitempty"`
	PipBehavior                  *string `json:"pipBehavior,omitempty"`
	PipOffset                    *int    `json:"pipOffset,omitempty"`
	PipPosition                  *string `json:"pipPosition,omitempty"`
	PipWidth                     *int    `json:"pipWidth,omitempty"`
	PipHeight                    *int    `json:"pipHeight,omitempty"`
	ParticipantOrderAttribute    *string `json:"participantOrderAttribute,omitempty"`
}

type layoutConfig struct {
	Grid *gridConfig `json:"grid,omitempty"`
	Pip  *pipConfig  `json:"pip,omitempty"`
}

type channelDest struct {
	ChannelArn              *string `json:"channelArn"`
	EncoderConfigurationArn *string `json:"encoderConfigurationArn,omitempty"`
}

type compRecordingConfig struct {
	HlsConfiguration *hlsConfig `json:"hlsConfiguration,omitempty"`
	Format           *string    `json:"format,omitempty"`
}

type compThumbnailConfig struct {
	TargetIntervalSeconds *int     `json:"targetIntervalSeconds,omitempty"`
	Storage               []string `json:"storage,omitempty"`
}

type s3Dest struct {
	StorageConfigurationArn  *string               `json:"storageConfigurationArn"`
	EncoderConfigurationArns []string              `json:"encoderConfigurationArns"`
	RecordingConfiguration   *compRecordingConfig  `json:"recordingConfiguration,omitempty"`
	ThumbnailConfigurations  []compThumbnailConfig `json:"thumbnailConfigurations,omitempty"`
}

type destConfig struct {
	Name    *string      `json:"name,omitempty"`
	Channel *channelDest `json:"channel,omitempty"`
	S3      *s3Dest      `json:"s3,omitempty"`
}

type destDetail struct {
	S3 *struct {
		RecordingPrefix string `json:"recordingPrefix"`
	} `json:"s3,omitempty"`
}

type destOut struct {
	ID            string      `json:"id"`
	State         string      `json:"state"`
	StartTime     string      `json:"startTime,omitempty"`
	EndTime       string      `json:"endTime,omitempty"`
	Configuration destConfig  `json:"configuration"`
	Detail        *destDetail `json:"detail,omitempty"`
}

type destSummaryOut struct {
	ID        string `json:"id"`
	State     string `json:"state"`
	StartTime string `json:"startTime,omitempty"`
	EndTime   string `json:"endTime,omitempty"`
}

type compositionOut struct {
	Arn          string            `json:"arn"`
	StageArn     string            `json:"stageArn"`
	State        string            `json:"state"`
	Layout       layoutConfig      `json:"layout"`
	Destinations []destOut         `json:"destinations"`
	Tags         map[string]string `json:"tags"`
	StartTime    string            `json:"startTime,omitempty"`
	EndTime      string            `json:"endTime,omitempty"`
}

type compositionSummaryOut struct {
	Arn          string            `json:"arn"`
	StageArn     string            `json:"stageArn"`
	Destinations []destSummaryOut  `json:"destinations"`
	State        string            `json:"state"`
	Tags         map[string]string `json:"tags"`
	StartTime    string            `json:"startTime,omitempty"`
	EndTime      string            `json:"endTime,omitempty"`
}

// State.

type composition struct {
	seq      int64
	id, arn  string
	stageArn string
	state    string
	layout   layoutConfig
	dests    []*destination
	tags     map[string]string
	start    int64 // Unix ms
	end      int64 // Unix ms, 0 until STOPPED
	stopAt   int64 // when STOPPING ends
	token    string
	request  startCompositionReq // for idempotency checks
	// emptySince is when the stage was first seen without participants (0: it has some).
	emptySince int64
}

type destination struct {
	id         string
	state      string
	start, end int64
	config     destConfig
	prefix     string // S3 recording prefix
	// held: failed on cue (cue_composition.go); the simulator leaves it
	// alone until it is recovered on cue.
	held bool
}

func (c *composition) running() bool { return c.state == compStarting || c.state == compActive }

// live reports whether the composition still holds its configurations.
func (c *composition) live() bool { return c.state != compStopped && c.state != compFailed }

// uses reports whether the composition references the ARN (encoder or storage configuration).
func (c *composition) uses(arn string) bool {
	for _, d := range c.dests {
		if ch := d.config.Channel; ch != nil && deref(ch.EncoderConfigurationArn) == arn {
			return true
		}
		if s3 := d.config.S3; s3 != nil {
			if deref(s3.StorageConfigurationArn) == arn {
				return true
			}
			for _, a := range s3.EncoderConfigurationArns {
				if a == arn {
					return true
				}
			}
		}
	}
	return false
}

func (w *world) compositionByArn(arn string) *composition {
	if id, ok := w.idOf(arn, "composition"); ok {
		return w.compositionByID[id]
	}
	return nil
}

// compositionUsing returns a composition not yet stopped that uses the ARN.
func (w *world) compositionUsing(arn string) *composition {
	for _, c := range w.compositions {
		if c.live() && c.uses(arn) {
			return c
		}
	}
	return nil
}

type startCompositionReq struct {
	StageArn         *string           `json:"stageArn"`
	IdempotencyToken *string           `json:"idempotencyToken"`
	Layout           *layoutConfig     `json:"layout"`
	Destinations     []destConfig      `json:"destinations"`
	Tags             map[string]string `json:"tags"`
}

func validateLayout(v *validator, l *layoutConfig) {
	if l == nil {
		return
	}
	if g := l.Grid; g != nil {
		v.optStr("layout.grid.featuredParticipantAttribute", g.FeaturedParticipantAttribute, 0, 128, reName, patName)
		v.optStr("layout.grid.participantOrderAttribute", g.ParticipantOrderAttribute, 0, 128, reName, patName)
		if g.VideoAspectRatio != nil {
			v.enum("layout.grid.videoAspectRatio", *g.VideoAspectRatio, "AUTO", "VIDEO", "SQUARE", "PORTRAIT")
		}
		if g.VideoFillMode != nil {
			v.enum("layout.grid.videoFillMode", *g.VideoFillMode, "FILL", "COVER", "CONTAIN")
		}
		v.intRange("layout.grid.gridGap", g.GridGap, 0, 1<<31-1)
	}
	if p := l.Pip; p != nil {
		v.optStr("layout.pip.featuredParticipantAttribute", p.FeaturedParticipantAttribute, 0, 128, reName, patName)
		v.optStr("layout.pip.participantOrderAttribute", p.ParticipantOrderAttribute, 0, 128, reName, patName)
		v.optStr("layout.pip.pipParticipantAttribute", p.PipParticipantAttribute, 0, 128, reName, patName)
		if p.VideoFillMode != nil {
			v.enum("layout.pip.videoFillMode", *p.VideoFillMode, "FILL", "COVER", "CONTAIN")
		}
		if p.PipBehavior != nil {
			v.enum("layout.pip.pipBehavior", *p.PipBehavior, "STATIC", "DYNAMIC")
		}
		if p.PipPosition != nil {
			v.enum("layout.pip.pipPosition", *p.PipPosition, "TOP_LEFT", "TOP_RIGHT", "BOTTOM_LEFT", "BOTTOM_RIGHT")
		}
		v.intRange("layout.pip.gridGap", p.GridGap, 0, 1<<31-1)
		v.intRange("layout.pip.pipOffset", p.PipOffset, 0, 1<<31-1)
		v.intRange("layout.pip.pipWidth", p.PipWidth, 1, 1<<31-1)
		v.intRange("layout.pip.pipHeight", p.PipHeight, 1, 1<<31-1)
	}
}

func validateDestination(v *validator, f string, d destConfig) {
	v.optStr(f+"name", d.Name, 0, 128, reName, patName)
	if ch := d.Channel; ch != nil {
		if v.required(f+"channel.channelArn", ch.ChannelArn != nil) {
			v.str(f+"channel.channelArn", *ch.ChannelArn, 1, 128, reChannelArn, patChannelArn)
		}
		v.optStr(f+"channel.encoderConfigurationArn", ch.EncoderConfigurationArn, 1, 128, reEncoderArn, patEncoderArn)
	}
	if s3 := d.S3; s3 != nil {
		if v.required(f+"s3.storageConfigurationArn", s3.StorageConfigurationArn != nil) {
			v.str(f+"s3.storageConfigurationArn", *s3.StorageConfigurationArn, 1, 128, reStorageArnReq, patStorageArnReq)
		}
		if v.required(f+"s3.encoderConfigurationArns", s3.EncoderConfigurationArns != nil) {
			if n := len(s3.EncoderConfigurationArns); n != 1 {
				v.add(n, f+"s3.encoderConfigurationArns", "Member must have length between 1 and 1, inclusive")
			}
			for _, a := range s3.EncoderConfigurationArns {
				v.str(f+"s3.encoderConfigurationArns.member", a, 1, 128, reEncoderArn, patEncoderArn)
			}
		}
		if r := s3.RecordingConfiguration; r != nil {
			if r.HlsConfiguration != nil {
				v.intRange(f+"s3.recordingConfiguration.hlsConfiguration.targetSegmentDurationSeconds", r.HlsConfiguration.TargetSegmentDurationSeconds, 2, 10)
			}
			if r.Format != nil {
				v.enum(f+"s3.recordingConfiguration.format", *r.Format, "HLS")
			}
		}
		v.maxSize(f+"s3.thumbnailConfigurations", len(s3.ThumbnailConfigurations), 1)
		for _, t := range s3.ThumbnailConfigurations {
			tf := f + "s3.thumbnailConfigurations.member."
			v.intRange(tf+"targetIntervalSeconds", t.TargetIntervalSeconds, 1, 86400)
			v.maxSize(tf+"storage", len(t.Storage), 2)
			for _, s := range t.Storage {
				v.enum(tf+"storage.member", s, "SEQUENTIAL", "LATEST")
			}
		}
	}
}

func opStartComposition(c *call) (any, error) {
	var req startCompositionReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	if v.required("stageArn", req.StageArn != nil) {
		v.str("stageArn", *req.StageArn, 1, 128, reStageArn, patStageArn)
	}
	v.optStr("idempotencyToken", req.IdempotencyToken, 1, 64, reName, patName)
	validateLayout(&v, req.Layout)
	if v.required("destinations", req.Destinations != nil) {
		if n := len(req.Destinations); n < 1 || n > 2 {
			v.add(n, "destinations", "Member must have length between 1 and 2, inclusive")
		}
		for _, d := range req.Destinations {
			validateDestination(&v, "destinations.member.", d)
		}
	}
	v.tags("tags", req.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	if l := req.Layout; l != nil && l.Grid != nil && l.Pip != nil {
		return nil, validationf("Only one layout can be specified: grid or pip")
	}
	for _, d := range req.Destinations {
		if (d.Channel == nil) == (d.S3 == nil) {
			return nil, validationf("Each destination must specify exactly one of channel or s3")
		}
	}
	// Idempotency: the same token and request return the same composition.
	if tok := deref(req.IdempotencyToken); tok != "" {
		for _, comp := range c.w.compositions {
			if comp.token != tok {
				continue
			}
			if !reflect.DeepEqual(comp.request, req) {
				return nil, conflictf("The idempotencyToken %s was already used with different parameters", tok)
			}
			return compositionResp{c.w.compositionOut(comp)}, nil
		}
	}
	st := c.w.stageByArn(*req.StageArn)
	if st == nil {
		return nil, notFoundf("Stage not found: %s", *req.StageArn)
	}
	for _, d := range req.Destinations {
		if ch := d.Channel; ch != nil {
			if ch.EncoderConfigurationArn != nil && c.w.encoderByArn(*ch.EncoderConfigurationArn) == nil {
				return nil, notFoundf("Encoder configuration not found: %s", *ch.EncoderConfigurationArn)
			}
			for _, comp := range c.w.compositions {
				if comp.live() && comp.usesChannel(*ch.ChannelArn) {
					return nil, conflictf("Channel %s is already the destination of composition %s", *ch.ChannelArn, comp.arn)
				}
			}
		}
		if s3 := d.S3; s3 != nil {
			if c.w.storageByArn(*s3.StorageConfigurationArn) == nil {
				return nil, notFoundf("Storage configuration not found: %s", *s3.StorageConfigurationArn)
			}
			for _, a := range s3.EncoderConfigurationArns {
				if c.w.encoderByArn(a) == nil {
					return nil, notFoundf("Encoder configuration not found: %s", a)
				}
			}
		}
	}
	running := 0
	for _, comp := range c.w.compositions {
		if comp.live() {
			running++
		}
	}
	if running >= maxCompositions {
		return nil, quotaf("Limit of %d concurrent compositions per region reached", maxCompositions)
	}
	comp := c.e.newComposition(c.w, st, req, c.now, c.e.ids)
	return compositionResp{c.w.compositionOut(comp)}, nil
}

func (c *composition) usesChannel(arn string) bool {
	for _, d := range c.dests {
		if d.config.Channel != nil && deref(d.config.Channel.ChannelArn) == arn {
			return true
		}
	}
	return false
}

type compositionResp struct {
	Composition compositionOut `json:"composition"`
}

func (e *Emulator) newComposition(w *world, st *stage, req startCompositionReq, now int64, ids *idGen) *composition {
	id := ids.resourceID()
	comp := &composition{
		seq: e.nextSeq(), id: id, arn: w.arn("composition", id), stageArn: st.arn, state: compStarting,
		layout: layoutWithDefaults(req.Layout), tags: copyMap(req.Tags), start: now,
		token: deref(req.IdempotencyToken), request: req,
	}
	for _, d := range req.Destinations {
		dest := &destination{id: ids.resourceID(), state: compStarting, start: now, config: d}
		if d.S3 != nil {
			dest.prefix = st.id + "/" + id + "/" + dest.id
			s3 := *d.S3
			rc := compRecordingConfig{}
			if s3.RecordingConfiguration != nil {
				rc = *s3.RecordingConfiguration
			}
			setDefault(&rc.Format, "HLS")
			s3.RecordingConfiguration = &rc
			dest.config.S3 = &s3
		}
		comp.dests = append(comp.dests, dest)
	}
	w.compositions = append(w.compositions, comp)
	w.compositionByID[id] = comp
	return comp
}

// layoutWithDefaults fills in the documented defaults; no layout is a grid.
func layoutWithDefaults(l *layoutConfig) layoutConfig {
	if l != nil && l.Pip != nil {
		p := *l.Pip
		setDefault(&p.FeaturedParticipantAttribute, "")
		setDefault(&p.OmitStoppedVideo, false)
		setDefault(&p.VideoFillMode, "COVER")
		setDefault(&p.GridGap, 0)
		setDefault(&p.PipParticipantAttribute, "")
		setDefault(&p.PipBehavior, "STATIC")
		setDefault(&p.PipOffset, 0)
		setDefault(&p.PipPosition, "BOTTOM_RIGHT")
		setDefault(&p.ParticipantOrderAttribute, "")
		return layoutConfig{Pip: &p}
	}
	g := gridConfig{}
	if l != nil && l.Grid != nil {
		g = *l.Grid
	}
	setDefault(&g.FeaturedParticipantAttribute, "")
	setDefault(&g.OmitStoppedVideo, false)
	setDefault(&g.VideoAspectRatio, "VIDEO")
	setDefault(&g.GridGap, 2)
	setDefault(&g.ParticipantOrderAttribute, "")
	return layoutConfig{Grid: &g}
}

func setDefault[T any](p **T, v T) {
	if *p == nil {
		*p = &v
	}
}

func optTime(v int64) string {
	if v == 0 {
		return ""
	}
	return isoTime(v)
}

func (w *world) compositionOut(c *composition) compositionOut {
	o := compositionOut{Arn: c.arn, StageArn: c.stageArn, State: c.state, Layout: c.layout, Tags: emptyMap(c.tags),
		StartTime: optTime(c.start), EndTime: optTime(c.end), Destinations: []destOut{}}
	for _, d := range c.dests {
		do := destOut{ID: d.id, State: d.state, StartTime: optTime(d.start), EndTime: optTime(d.end), Configuration: d.config}
		if d.prefix != "" {
			do.Detail = &destDetail{S3: &struct {
				RecordingPrefix string `json:"recordingPrefix"`
			}{d.prefix}}
		}
		o.Destinations = append(o.Destinations, do)
	}
	return o
}

// compositionArg validates a required composition ARN and finds it.
func (c *call) compositionArg(arn *string) (*composition, error) {
	return lookupArn("arn", arn, reCompositionArn, patCompositionArn, c.w.compositionByArn, "Composition")
}

func opGetComposition(c *call) (any, error) {
	var req arnReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	comp, err := c.compositionArg(req.Arn)
	if err != nil {
		return nil, err
	}
	return compositionResp{c.w.compositionOut(comp)}, nil
}

type listCompositionsReq struct {
	FilterByStageArn                *string `json:"filterByStageArn"`
	FilterByEncoderConfigurationArn *string `json:"filterByEncoderConfigurationArn"`
	listReq
}

func opListCompositions(c *call) (any, error) {
	var req listCompositionsReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	v.optStr("filterByStageArn", req.FilterByStageArn, 1, 128, reStageArn, patStageArn)
	v.optStr("filterByEncoderConfigurationArn", req.FilterByEncoderConfigurationArn, 1, 128, reEncoderArn, patEncoderArn)
	v.nextToken(req.NextToken)
	v.maxResults(req.MaxResults)
	if err := v.err(); err != nil {
		return nil, err
	}
	if req.MaxResults == nil {
		req.MaxResults = ptr(100) // the model's documented default
	}
	pg, err := c.page(scopeOf("ListCompositions", deref(req.FilterByStageArn), deref(req.FilterByEncoderConfigurationArn)),
		req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	match := func(comp *composition) bool {
		if req.FilterByStageArn != nil && comp.stageArn != *req.FilterByStageArn {
			return false
		}
		return req.FilterByEncoderConfigurationArn == nil || comp.uses(*req.FilterByEncoderConfigurationArn)
	}
	list := c.w.compositions
	i := 0
	if pg.has {
		i = sort.Search(len(list), func(i int) bool { return list[i].seq > pg.after })
	}
	out := make([]compositionSummaryOut, 0, min(pg.limit, len(list)))
	var last int64
	more := false
	for ; i < len(list); i++ {
		comp := list[i]
		if !match(comp) {
			continue
		}
		if len(out) == pg.limit {
			more = true
			break
		}
		s := compositionSummaryOut{Arn: comp.arn, StageArn: comp.stageArn, State: comp.state, Tags: emptyMap(comp.tags),
			StartTime: optTime(comp.start), EndTime: optTime(comp.end), Destinations: []destSummaryOut{}}
		for _, d := range comp.dests {
			s.Destinations = append(s.Destinations, destSummaryOut{ID: d.id, State: d.state, StartTime: optTime(d.start), EndTime: optTime(d.end)})
		}
		out = append(out, s)
		last = comp.seq
	}
	return struct {
		Compositions []compositionSummaryOut `json:"compositions"`
		NextToken    *string                 `json:"nextToken,omitempty"`
	}{out, c.next(pg, more, last)}, nil
}

// opStopComposition starts stopping; stopping one already STOPPING, STOPPED
// or FAILED succeeds and changes nothing.
func opStopComposition(c *call) (any, error) {
	var req arnReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	comp, err := c.compositionArg(req.Arn)
	if err != nil {
		return nil, err
	}
	comp.stop(c.now)
	return nil, nil
}

func (c *composition) stop(now int64) {
	if !c.running() {
		return
	}
	c.state = compStopping
	c.stopAt = now + compositionStopDelay.Milliseconds()
	for _, d := range c.dests {
		if d.state != compStopped && d.state != compFailed {
			d.state = compStopping
		}
	}
}

// settleCompositions moves compositions along at the times their changes
// were due: STARTING to ACTIVE, STOPPING to STOPPED, running ones to
// STOPPING a minute after their stage was last seen with nobody in it (or at
// once when the stage is deleted), and deletes stopped ones after a while.
func (e *Emulator) settleCompositions(w *world, now int64) {
	idle := compositionIdleTimeout.Milliseconds()
	kept := w.compositions[:0]
	for _, comp := range w.compositions {
		if comp.state == compStarting && now >= comp.start+compositionStartDelay.Milliseconds() {
			comp.state = compActive
			e.compositionEvent(comp, nil, evSessionStart, now)
			for _, d := range comp.dests {
				if d.state == compStarting {
					d.state = compActive
					e.compositionEvent(comp, d, evDestinationStart, now)
				}
			}
		}
		if comp.running() {
			st := w.stageByArn(comp.stageArn)
			switch {
			case st == nil:
				comp.stop(now)
			case st.active != nil && st.active.connected > 0:
				comp.emptySince = 0
			default:
				if comp.emptySince == 0 {
					// Without a session the stage has been empty since the
					// last one ended; a live session with nobody connected
					// is noticed now.
					comp.emptySince = now
					if st.active == nil {
						comp.emptySince = comp.start
						if n := len(st.sessions); n > 0 {
							comp.emptySince = max(comp.start, st.sessions[n-1].end)
						}
					}
				}
				if now >= comp.emptySince+idle {
					comp.stop(comp.emptySince + idle)
				}
			}
		}
		if comp.state == compStopping && now >= comp.stopAt {
			comp.state = compStopped
			comp.end = comp.stopAt
			for _, d := range comp.dests {
				if d.state != compFailed {
					d.state, d.end = compStopped, comp.stopAt
					e.compositionEvent(comp, d, evDestinationEnd, comp.stopAt)
				}
			}
			e.compositionEvent(comp, nil, evSessionEnd, comp.stopAt)
		}
		if !comp.live() && now >= comp.end+compositionRetention.Milliseconds() {
			delete(w.compositionByID, comp.id)
			continue
		}
		kept = append(kept, comp)
	}
	clear(w.compositions[len(kept):])
	w.compositions = kept
}
