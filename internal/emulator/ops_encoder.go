package emulator

import "sort"

func init() {
	register("CreateEncoderConfiguration", opCreateEncoder, errNotFound, errInternal, errQuota, errConflict, errPendingVerify)
	register("GetEncoderConfiguration", opGetEncoder, errNotFound, errInternal, errQuota, errConflict)
	register("ListEncoderConfigurations", opListEncoders, errInternal, errQuota, errConflict)
	register("DeleteEncoderConfiguration", opDeleteEncoder, errNotFound, errInternal, errQuota, errConflict)
}

// maxEncoderConfigs is the emulator's encoder-configurations-per-region quota.
const maxEncoderConfigs = 100

// maxVideoPixels is the documented bound on width times height (1920x1080).
const maxVideoPixels = 2073600

type videoConfig struct {
	Width     *int     `json:"width,omitempty"`
	Height    *int     `json:"height,omitempty"`
	Framerate *float64 `json:"framerate,omitempty"`
	Bitrate   *int     `json:"bitrate,omitempty"`
}

type encoderConfig struct {
	seq           int64
	id, arn, name string
	video         videoConfig // defaults filled in
	tags          map[string]string
}

type encoderOut struct {
	Arn   string            `json:"arn"`
	Name  string            `json:"name"`
	Video videoConfig       `json:"video"`
	Tags  map[string]string `json:"tags"`
}

type encoderSummaryOut struct {
	Arn  string            `json:"arn"`
	Name string            `json:"name"`
	Tags map[string]string `json:"tags"`
}

type createEncoderReq struct {
	Name  *string           `json:"name"`
	Video *videoConfig      `json:"video"`
	Tags  map[string]string `json:"tags"`
}

func opCreateEncoder(c *call) (any, error) {
	var req createEncoderReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	v.optStr("name", req.Name, 0, 128, reName, patName)
	video := videoConfig{Width: ptr(1280), Height: ptr(720), Framerate: ptr(30.0), Bitrate: ptr(2500000)}
	if in := req.Video; in != nil {
		v.intRange("video.width", in.Width, 2, 1920)
		v.intRange("video.height", in.Height, 2, 1920)
		v.floatRange("video.framerate", in.Framerate, 1, 60)
		v.intRange("video.bitrate", in.Bitrate, 1, 8500000)
		if in.Width != nil {
			video.Width = in.Width
		}
		if in.Height != nil {
			video.Height = in.Height
		}
		if in.Framerate != nil {
			video.Framerate = in.Framerate
		}
		if in.Bitrate != nil {
			video.Bitrate = in.Bitrate
		}
	}
	v.tags("tags", req.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	// Documented on the Video shape: even dimensions, at most 2,073,600 pixels.
	if *video.Width%2 != 0 || *video.Height%2 != 0 {
		return nil, validationf("Video width and height must be even numbers, got %dx%d", *video.Width, *video.Height)
	}
	if *video.Width**video.Height > maxVideoPixels {
		return nil, validationf("Video resolution %dx%d exceeds the maximum of %d total pixels (1920x1080 or 1080x1920)",
			*video.Width, *video.Height, maxVideoPixels)
	}
	if len(c.w.encoders) >= maxEncoderConfigs {
		return nil, quotaf("Limit of %d encoder configurations per region reached", maxEncoderConfigs)
	}
	ec := c.e.newEncoder(c.w, deref(req.Name), video, req.Tags, c.e.ids)
	return encoderResp{encoderOutOf(ec)}, nil
}

type encoderResp struct {
	EncoderConfiguration encoderOut `json:"encoderConfiguration"`
}

func (e *Emulator) newEncoder(w *world, name string, video videoConfig, tags map[string]string, ids *idGen) *encoderConfig {
	id := ids.resourceID()
	ec := &encoderConfig{seq: e.nextSeq(), id: id, arn: w.arn("encoder-configuration", id), name: name,
		video: video, tags: copyMap(tags)}
	w.encoders = append(w.encoders, ec)
	w.encoderByID[id] = ec
	return ec
}

func encoderOutOf(ec *encoderConfig) encoderOut {
	return encoderOut{Arn: ec.arn, Name: ec.name, Video: ec.video, Tags: emptyMap(ec.tags)}
}

// encoderArg validates a required encoder configuration ARN and finds it.
func (c *call) encoderArg(field string, arn *string) (*encoderConfig, error) {
	return lookupArn(field, arn, reEncoderArn, patEncoderArn, c.w.encoderByArn, "Encoder configuration")
}

func opGetEncoder(c *call) (any, error) {
	var req arnReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	ec, err := c.encoderArg("arn", req.Arn)
	if err != nil {
		return nil, err
	}
	return encoderResp{encoderOutOf(ec)}, nil
}

func opListEncoders(c *call) (any, error) {
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
	if req.MaxResults == nil {
		req.MaxResults = ptr(100) // the model's documented default
	}
	pg, err := c.page(scopeOf("ListEncoderConfigurations"), req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	list := c.w.encoders
	i := 0
	if pg.has {
		i = sort.Search(len(list), func(i int) bool { return list[i].seq > pg.after })
	}
	out := make([]encoderSummaryOut, 0, min(pg.limit, len(list)))
	var last int64
	for ; i < len(list) && len(out) < pg.limit; i++ {
		ec := list[i]
		out = append(out, encoderSummaryOut{Arn: ec.arn, Name: ec.name, Tags: emptyMap(ec.tags)})
		last = ec.seq
	}
	return struct {
		EncoderConfigurations []encoderSummaryOut `json:"encoderConfigurations"`
		NextToken             *string             `json:"nextToken,omitempty"`
	}{out, c.next(pg, i < len(list), last)}, nil
}

func opDeleteEncoder(c *call) (any, error) {
	var req arnReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	ec, err := c.encoderArg("arn", req.Arn)
	if err != nil {
		return nil, err
	}
	if err := c.w.encoderInUse(ec); err != nil {
		return nil, err
	}
	i := sort.Search(len(c.w.encoders), func(i int) bool { return c.w.encoders[i].seq >= ec.seq })
	if i < len(c.w.encoders) && c.w.encoders[i] == ec {
		c.w.encoders = append(c.w.encoders[:i], c.w.encoders[i+1:]...)
	}
	delete(c.w.encoderByID, ec.id)
	return nil, nil
}

// encoderInUse is a ConflictException while a composition not yet stopped
// uses the configuration (documented).
func (w *world) encoderInUse(ec *encoderConfig) error {
	if comp := w.compositionUsing(ec.arn); comp != nil {
		return conflictf("Encoder configuration %s is used by composition %s", ec.arn, comp.arn)
	}
	return nil
}
