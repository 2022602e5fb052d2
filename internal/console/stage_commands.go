package console

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Stage reads one stage, for the forms that change it.
func (c *Console) Stage(ctx context.Context, ref Ref) (ivs.Stage, error) {
	arn, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return ivs.Stage{}, err
	}
	st, err := c.ivs.GetStage(ctx, ref.Region, arn)
	if err != nil {
		return ivs.Stage{}, missing(err, ResourceStage, ref, "")
	}
	if st.ID == "" {
		st.ID = ref.StageID
	}
	return st, nil
}

// CreateStage creates a stage once per idempotency key and audits the
// attempt whatever its outcome.
func (c *Console) CreateStage(ctx context.Context, a Actor, region ivs.Region, in ivs.CreateStageInput) (ivs.Stage, error) {
	if err := c.canAudit(); err != nil {
		return ivs.Stage{}, err
	}
	detail := fmt.Sprintf("name=%q recording=%s tags=%s", in.Name, recordingWords(in.Recording), tagKeys(in.Tags))
	st, err := c.ivs.CreateStage(ctx, region, in)
	if st.ID == "" && st.ARN != "" {
		st.ID = ivs.IDFromARN(st.ARN)
	}
	return st, c.audited(ctx, a, region, audit.ActionStageCreate, st.ARN, err, detail)
}

// StageChange is what the edit form asks a stage to become: its whole name,
// its user tags (Greenroom's and AWS's own tags are kept as they are) and
// its recording set-up (nil: none).
type StageChange struct {
	Name      string
	Tags      map[string]string
	Recording *ivs.AutoRecording
}

// StageUpdate says what an update changed.
type StageUpdate struct {
	Stage ivs.Stage // as read before the change
	// Changed names what was changed in IVS: "name", "recording", "name
	// and recording", "tags set", "tags removed".
	Changed []string
}

// Nothing reports whether the form asked for no change (nothing was sent).
func (u StageUpdate) Nothing() bool { return len(u.Changed) == 0 }

// StageUpdateError is an update that failed at one step after the steps
// before it were made: UpdateStage (name, recording), then the tags
// (TagResource, UntagResource), which UpdateStage does not take.
type StageUpdateError struct {
	Done []string // what was changed before the failure
	Step string   // what failed
	Err  error
}

func (e *StageUpdateError) Error() string {
	return fmt.Sprintf("%s failed after %s: %v", e.Step, strings.Join(e.Done, ", "), e.Err)
}

func (e *StageUpdateError) Unwrap() error { return e.Err }

// UpdateStage reads the stage as it is now (not from a cache: the tag
// changes are worked out against it), sends only what differs, and audits
// the attempt in one record. The recording set-up is sent only when it
// changes (IVS refuses to change it while participants are being recorded);
// replicas and the reconnect window are kept.
func (c *Console) UpdateStage(ctx context.Context, a Actor, ref Ref, ch StageChange) (StageUpdate, error) {
	if err := c.canAudit(); err != nil {
		return StageUpdate{}, err
	}
	arn, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return StageUpdate{}, err
	}
	old, err := c.ivs.GetStage(ivs.MustBeFresh(ctx), ref.Region, arn)
	if err != nil {
		return StageUpdate{}, missing(err, ResourceStage, ref, "")
	}
	u := StageUpdate{Stage: old}
	in := ivs.UpdateStageInput{ARN: arn}
	var words []string
	if ch.Name != old.Name {
		in.Name = &ch.Name
		words = append(words, fmt.Sprintf("name %q → %q", old.Name, ch.Name))
	}
	if rec, changed := recordingChange(old.Recording, ch.Recording); changed {
		in.Recording = rec
		words = append(words, "recording "+recordingWords(old.Recording)+" → "+recordingWords(ch.Recording))
	}
	set, unset := tagChanges(ivs.UserTags(old.Tags), ch.Tags)
	if len(set) > 0 || len(unset) > 0 {
		words = append(words, "tags set "+tagKeys(set)+" removed "+keyList(unset))
	}
	if len(words) == 0 {
		return u, nil
	}
	detail := strings.Join(words, "; ")

	var done []string
	fail := func(what string, err error) error {
		if len(done) > 0 {
			return &StageUpdateError{Done: slices.Clone(done), Step: what, Err: err}
		}
		return err
	}
	err = func() error {
		if in.Name != nil || in.Recording != nil {
			what := "name and recording"
			switch {
			case in.Recording == nil:
				what = "name"
			case in.Name == nil:
				what = "recording"
			}
			if _, err := c.ivs.UpdateStage(ctx, ref.Region, in); err != nil {
				return fail(what, err)
			}
			done = append(done, what)
		}
		if len(set) > 0 {
			if err := c.ivs.TagResource(ctx, ref.Region, arn, set); err != nil {
				return fail("tags set", err)
			}
			done = append(done, "tags set")
		}
		if len(unset) > 0 {
			if err := c.ivs.UntagResource(ctx, ref.Region, arn, unset); err != nil {
				return fail("tags removed", err)
			}
			done = append(done, "tags removed")
		}
		return nil
	}()
	if err != nil {
		var ue *StageUpdateError
		if errors.As(err, &ue) {
			detail += "; changed " + strings.Join(ue.Done, ", ") + " before " + ue.Step + " failed"
		}
	}
	u.Changed = done
	return u, missing(c.audited(ctx, a, ref.Region, audit.ActionStageUpdate, arn, err, detail), ResourceStage, ref, "")
}

// recordingChange is the recording set-up to send, if it changes: to turn
// recording off, an empty storage configuration.
func recordingChange(old, want *ivs.AutoRecording) (*ivs.AutoRecording, bool) {
	switch {
	case old == nil && want == nil:
		return nil, false
	case want == nil:
		return &ivs.AutoRecording{}, true
	case old != nil && old.StorageConfigurationARN == want.StorageConfigurationARN && slices.Equal(old.MediaTypes, want.MediaTypes):
		return nil, false
	}
	rec := *want
	if old != nil { // what the form does not show stays as it was
		rec.RecordReplicas, rec.ReconnectWindowSeconds = old.RecordReplicas, old.ReconnectWindowSeconds
	} else {
		rec.RecordReplicas = true // the API's default
	}
	return &rec, true
}

// tagChanges are the tags to set (new or changed) and the keys to remove.
func tagChanges(old, want map[string]string) (set map[string]string, unset []string) {
	for k, v := range want {
		if ov, ok := old[k]; !ok || ov != v {
			if set == nil {
				set = map[string]string{}
			}
			set[k] = v
		}
	}
	for k := range old {
		if _, ok := want[k]; !ok {
			unset = append(unset, k)
		}
	}
	slices.Sort(unset)
	return set, unset
}

// StageLiveError refuses to delete a live stage: IVS would end the session
// and disconnect everyone in it.
type StageLiveError struct {
	Stage ivs.Stage
}

func (e *StageLiveError) Error() string {
	return "refused: the stage is live (session " + e.Stage.ActiveSessionID + "); deleting it would end the session and disconnect everyone"
}

// StageDeletion is what the delete confirmation shows: the stage and the
// ingest configurations attached to it, which keep pointing at the deleted
// stage.
type StageDeletion struct {
	Stage          ivs.Stage
	Configs        []ivs.IngestConfiguration
	ConfigsPartial bool
}

// StageDeletion reads what the delete confirmation shows.
func (c *Console) StageDeletion(ctx context.Context, ref Ref) (StageDeletion, error) {
	st, err := c.Stage(ctx, ref)
	if err != nil {
		return StageDeletion{}, err
	}
	cfgs, partial, err := c.stageConfigs(ctx, ref.Region, st.ARN)
	if err != nil {
		return StageDeletion{}, err
	}
	return StageDeletion{Stage: st, Configs: cfgs, ConfigsPartial: partial}, nil
}

// DeleteStage deletes a stage that is not live. Whether it is live is read
// from IVS now, not from a cache; a live stage is refused before IVS is
// asked to delete it (StageLiveError), and the refusal is audited too.
func (c *Console) DeleteStage(ctx context.Context, a Actor, ref Ref) (ivs.Stage, error) {
	if err := c.canAudit(); err != nil {
		return ivs.Stage{}, err
	}
	arn, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return ivs.Stage{}, err
	}
	st, err := c.ivs.GetStage(ivs.MustBeFresh(ctx), ref.Region, arn)
	if err != nil {
		return ivs.Stage{}, missing(err, ResourceStage, ref, "")
	}
	if st.ID == "" {
		st.ID = ref.StageID
	}
	detail := fmt.Sprintf("name=%q", st.Name)
	if st.Live() {
		return st, c.audited(ctx, a, ref.Region, audit.ActionStageDelete, arn, &StageLiveError{Stage: st}, detail)
	}
	err = c.ivs.DeleteStage(ctx, ref.Region, arn)
	return st, missing(c.audited(ctx, a, ref.Region, audit.ActionStageDelete, arn, err, detail), ResourceStage, ref, "")
}

// recordingWords sums a recording set-up up for the audit log.
func recordingWords(r *ivs.AutoRecording) string {
	if r == nil || r.StorageConfigurationARN == "" {
		return "off"
	}
	return ivs.IDFromARN(r.StorageConfigurationARN) + "/" + strings.Join(r.MediaTypes, "+")
}

// tagKeys lists a tag map's keys (values may be long; the stage shows them).
func tagKeys(tags map[string]string) string {
	return keyList(slices.Sorted(maps.Keys(tags)))
}

func keyList(keys []string) string {
	if len(keys) == 0 {
		return "[]"
	}
	return "[" + strings.Join(keys, " ") + "]"
}
