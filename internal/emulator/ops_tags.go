package emulator

func init() {
	register("ListTagsForResource", opListTags, errNotFound, errInternal)
	register("TagResource", opTagResource, errNotFound, errInternal)
	register("UntagResource", opUntagResource, errNotFound, errInternal)
}

// taggable finds the tags of the stage, composition, public key, or ingest,
// encoder or storage configuration named by the path's ARN; other IVS
// resource types are not emulated, so they are unknown.
func (c *call) taggable() (*map[string]string, error) {
	var v validator
	v.str("resourceArn", c.arn, 1, 128, reResourceArn, patResourceArn)
	if err := v.err(); err != nil {
		return nil, err
	}
	if st := c.w.stageByArn(c.arn); st != nil {
		return &st.tags, nil
	}
	if cfg := c.w.ingestByArn(c.arn); cfg != nil {
		return &cfg.tags, nil
	}
	if ec := c.w.encoderByArn(c.arn); ec != nil {
		return &ec.tags, nil
	}
	if sc := c.w.storageByArn(c.arn); sc != nil {
		return &sc.tags, nil
	}
	if comp := c.w.compositionByArn(c.arn); comp != nil {
		return &comp.tags, nil
	}
	if k := c.w.publicKeyByArn(c.arn); k != nil {
		return &k.tags, nil
	}
	return nil, notFoundf("Resource not found: %s", c.arn)
}

func opListTags(c *call) (any, error) {
	if err := decodeBody(c.body, &struct{}{}); err != nil {
		return nil, err
	}
	tags, err := c.taggable()
	if err != nil {
		return nil, err
	}
	return struct {
		Tags map[string]string `json:"tags"`
	}{emptyMap(*tags)}, nil
}

type tagReq struct {
	Tags map[string]string `json:"tags"`
}

func opTagResource(c *call) (any, error) {
	var req tagReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	if v.required("tags", req.Tags != nil) {
		v.tags("tags", req.Tags)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	tags, err := c.taggable()
	if err != nil {
		return nil, err
	}
	merged := copyMap(*tags)
	if merged == nil {
		merged = map[string]string{}
	}
	for k, val := range req.Tags {
		merged[k] = val
	}
	if len(merged) > 50 {
		return nil, validationf("A resource can have at most 50 tags; this request would leave %d", len(merged))
	}
	*tags = merged
	return nil, nil
}

func opUntagResource(c *call) (any, error) {
	if err := decodeBody(c.body, &struct{}{}); err != nil {
		return nil, err
	}
	keys, present := c.query["tagKeys"]
	var v validator
	if v.required("tagKeys", present) {
		v.maxSize("tagKeys", len(keys), 50)
		for _, k := range keys {
			v.str("tagKeys.member", k, 1, 128, nil, "")
		}
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	tags, err := c.taggable()
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		delete(*tags, k)
	}
	return nil, nil
}
