package emulator

// validateRecording checks an AutoParticipantRecordingConfiguration against the model.
func validateRecording(v *validator, r *recordingConfig) {
	if r == nil {
		return
	}
	const f = "autoParticipantRecordingConfiguration."
	if v.required(f+"storageConfigurationArn", r.StorageConfigurationArn != nil) {
		v.str(f+"storageConfigurationArn", *r.StorageConfigurationArn, 0, 128, reStorageArn, patStorageArn)
	}
	v.maxSize(f+"mediaTypes", len(r.MediaTypes), 1)
	for _, m := range r.MediaTypes {
		v.enum(f+"mediaTypes.member", m, "AUDIO_VIDEO", "AUDIO_ONLY", "NONE")
	}
	v.intRange(f+"recordingReconnectWindowSeconds", r.RecordingReconnectWindowSeconds, 0, 300)
	if t := r.ThumbnailConfiguration; t != nil {
		v.intRange(f+"thumbnailConfiguration.targetIntervalSeconds", t.TargetIntervalSeconds, 1, 86400)
		v.maxSize(f+"thumbnailConfiguration.storage", len(t.Storage), 2)
		for _, s := range t.Storage {
			v.enum(f+"thumbnailConfiguration.storage.member", s, "SEQUENTIAL", "LATEST")
		}
		if t.RecordingMode != nil {
			v.enum(f+"thumbnailConfiguration.recordingMode", *t.RecordingMode, "INTERVAL", "DISABLED")
		}
	}
	if h := r.HlsConfiguration; h != nil {
		v.intRange(f+"hlsConfiguration.targetSegmentDurationSeconds", h.TargetSegmentDurationSeconds, 2, 10)
	}
}

// withRecordingDefaults stores a recording configuration with IVS's
// documented defaults filled in; an empty storage ARN means recording is off.
func withRecordingDefaults(r *recordingConfig) *recordingConfig {
	if r == nil || r.StorageConfigurationArn == nil || *r.StorageConfigurationArn == "" {
		return nil
	}
	out := *r
	arn := *r.StorageConfigurationArn
	out.StorageConfigurationArn = &arn
	if len(out.MediaTypes) == 0 {
		out.MediaTypes = []string{"AUDIO_VIDEO"}
	}
	out.MediaTypes = append([]string(nil), out.MediaTypes...)
	t := thumbnailConfig{}
	if r.ThumbnailConfiguration != nil {
		t = *r.ThumbnailConfiguration
	}
	if t.TargetIntervalSeconds == nil {
		t.TargetIntervalSeconds = ptr(60)
	}
	if len(t.Storage) == 0 {
		t.Storage = []string{"SEQUENTIAL"}
	}
	if t.RecordingMode == nil {
		t.RecordingMode = ptr("DISABLED") // the model's documented default
	}
	out.ThumbnailConfiguration = &t
	if out.RecordingReconnectWindowSeconds == nil {
		out.RecordingReconnectWindowSeconds = ptr(0)
	}
	h := hlsConfig{}
	if r.HlsConfiguration != nil {
		h = *r.HlsConfiguration
	}
	if h.TargetSegmentDurationSeconds == nil {
		h.TargetSegmentDurationSeconds = ptr(6)
	}
	out.HlsConfiguration = &h
	if out.RecordParticipantReplicas == nil {
		out.RecordParticipantReplicas = ptr(true)
	}
	return &out
}

func ptr[T any](v T) *T { return &v }

// recordingActive reports whether any participant of the stage's live
// session is being recorded now (STARTING, ACTIVE or STOPPING): IVS refuses
// to change the stage's recording configuration then.
func (st *stage) recordingActive() bool {
	if st.active == nil {
		return false
	}
	for _, p := range st.active.parts {
		if p.recording == recStarting || p.recording == recActive || p.recording == recStopping {
			return true
		}
	}
	return false
}
