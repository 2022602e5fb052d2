package emulator

import "sort"

func init() {
	register("CreateStorageConfiguration", opCreateStorage, errNotFound, errInternal, errQuota, errConflict, errPendingVerify)
	register("GetStorageConfiguration", opGetStorage, errNotFound, errInternal, errQuota, errConflict)
	register("ListStorageConfigurations", opListStorages, errInternal, errQuota, errConflict)
	register("DeleteStorageConfiguration", opDeleteStorage, errNotFound, errInternal, errQuota, errConflict)
}

// maxStorageConfigs is the emulator's storage-configurations-per-region quota.
const maxStorageConfigs = 100

type s3Storage struct {
	BucketName *string `json:"bucketName"`
}

type storageConfig struct {
	seq           int64
	id, arn, name string
	bucket        string
	tags          map[string]string
}

type storageOut struct {
	Arn  string            `json:"arn"`
	Name string            `json:"name"`
	S3   s3Storage         `json:"s3"`
	Tags map[string]string `json:"tags"`
}

func storageOutOf(sc *storageConfig) storageOut {
	return storageOut{Arn: sc.arn, Name: sc.name, S3: s3Storage{&sc.bucket}, Tags: emptyMap(sc.tags)}
}

type createStorageReq struct {
	Name *string           `json:"name"`
	S3   *s3Storage        `json:"s3"`
	Tags map[string]string `json:"tags"`
}

func opCreateStorage(c *call) (any, error) {
	var req createStorageReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	v.optStr("name", req.Name, 0, 128, reName, patName)
	if v.required("s3", req.S3 != nil) && v.required("s3.bucketName", req.S3.BucketName != nil) {
		v.str("s3.bucketName", *req.S3.BucketName, 3, 63, reBucket, patBucket)
	}
	v.tags("tags", req.Tags)
	if err := v.err(); err != nil {
		return nil, err
	}
	if len(c.w.storages) >= maxStorageConfigs {
		return nil, quotaf("Limit of %d storage configurations per region reached", maxStorageConfigs)
	}
	sc := c.e.newStorage(c.w, c.e.ids.resourceID(), deref(req.Name), *req.S3.BucketName, req.Tags)
	return storageResp{storageOutOf(sc)}, nil
}

type storageResp struct {
	StorageConfiguration storageOut `json:"storageConfiguration"`
}

func (e *Emulator) newStorage(w *world, id, name, bucket string, tags map[string]string) *storageConfig {
	sc := &storageConfig{seq: e.nextSeq(), id: id, arn: w.arn("storage-configuration", id), name: name,
		bucket: bucket, tags: copyMap(tags)}
	w.storages = append(w.storages, sc)
	w.storageByID[id] = sc
	return sc
}

// storageArg validates a required storage configuration ARN and finds it.
func (c *call) storageArg(field string, arn *string) (*storageConfig, error) {
	return lookupArn(field, arn, reStorageArnReq, patStorageArnReq, c.w.storageByArn, "Storage configuration")
}

func opGetStorage(c *call) (any, error) {
	var req arnReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	sc, err := c.storageArg("arn", req.Arn)
	if err != nil {
		return nil, err
	}
	return storageResp{storageOutOf(sc)}, nil
}

func opListStorages(c *call) (any, error) {
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
		req.MaxResults = ptr(100) // documented: the quota or 100, whichever is smaller
	}
	pg, err := c.page(scopeOf("ListStorageConfigurations"), req.MaxResults, req.NextToken)
	if err != nil {
		return nil, err
	}
	list := c.w.storages
	i := 0
	if pg.has {
		i = sort.Search(len(list), func(i int) bool { return list[i].seq > pg.after })
	}
	out := make([]storageOut, 0, min(pg.limit, len(list)))
	var last int64
	for ; i < len(list) && len(out) < pg.limit; i++ {
		out = append(out, storageOutOf(list[i]))
		last = list[i].seq
	}
	return struct {
		StorageConfigurations []storageOut `json:"storageConfigurations"`
		NextToken             *string      `json:"nextToken,omitempty"`
	}{out, c.next(pg, i < len(list), last)}, nil
}

func opDeleteStorage(c *call) (any, error) {
	var req arnReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	sc, err := c.storageArg("arn", req.Arn)
	if err != nil {
		return nil, err
	}
	if err := c.w.storageInUse(sc); err != nil {
		return nil, err
	}
	i := sort.Search(len(c.w.storages), func(i int) bool { return c.w.storages[i].seq >= sc.seq })
	if i < len(c.w.storages) && c.w.storages[i] == sc {
		c.w.storages = append(c.w.storages[:i], c.w.storages[i+1:]...)
	}
	delete(c.w.storageByID, sc.id)
	return nil, nil
}

// storageInUse is a ConflictException while a stage records individual
// participants into the configuration or a composition uses it.
func (w *world) storageInUse(sc *storageConfig) error {
	if comp := w.compositionUsing(sc.arn); comp != nil {
		return conflictf("Storage configuration %s is used by composition %s", sc.arn, comp.arn)
	}
	for _, st := range w.stages {
		if st.recording != nil && deref(st.recording.StorageConfigurationArn) == sc.arn {
			return conflictf("Storage configuration %s is used by stage %s (autoParticipantRecordingConfiguration)", sc.arn, st.arn)
		}
	}
	return nil
}
