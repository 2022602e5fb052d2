package ivstest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Stage writes, tags and participant tokens: recorded in Writes, answered by
// the func field when set, else by the world.

func (f *Fake) CreateStage(ctx context.Context, region ivs.Region, in ivs.CreateStageInput) (ivs.Stage, error) {
	f.recordWrite(Write{Op: "CreateStage", CreateStage: in})
	if err := f.enter(ctx, "CreateStage"); err != nil {
		return ivs.Stage{}, err
	}
	if f.CreateStageFn != nil {
		return f.CreateStageFn(ctx, region, in)
	}
	return f.createStage(region, in)
}

func (f *Fake) UpdateStage(ctx context.Context, region ivs.Region, in ivs.UpdateStageInput) (ivs.Stage, error) {
	f.recordWrite(Write{Op: "UpdateStage", UpdateStage: in})
	if err := f.enter(ctx, "UpdateStage"); err != nil {
		return ivs.Stage{}, err
	}
	if f.UpdateStageFn != nil {
		return f.UpdateStageFn(ctx, region, in)
	}
	return f.updateStage(in)
}

func (f *Fake) DeleteStage(ctx context.Context, region ivs.Region, arn string) error {
	f.recordWrite(Write{Op: "DeleteStage", ARN: arn})
	if err := f.enter(ctx, "DeleteStage"); err != nil {
		return err
	}
	if f.DeleteStageFn != nil {
		return f.DeleteStageFn(ctx, region, arn)
	}
	return f.deleteStage(arn)
}

func (f *Fake) TagResource(ctx context.Context, region ivs.Region, arn string, tags map[string]string) error {
	f.recordWrite(Write{Op: "TagResource", ARN: arn, Tags: maps.Clone(tags)})
	if err := f.enter(ctx, "TagResource"); err != nil {
		return err
	}
	if f.TagResourceFn != nil {
		return f.TagResourceFn(ctx, region, arn, tags)
	}
	return f.retag(arn, "TagResource", func(m map[string]string) map[string]string {
		if m == nil {
			m = map[string]string{}
		}
		maps.Copy(m, tags)
		return m
	})
}

func (f *Fake) UntagResource(ctx context.Context, region ivs.Region, arn string, keys []string) error {
	f.recordWrite(Write{Op: "UntagResource", ARN: arn, TagKeys: slices.Clone(keys)})
	if err := f.enter(ctx, "UntagResource"); err != nil {
		return err
	}
	if f.UntagResourceFn != nil {
		return f.UntagResourceFn(ctx, region, arn, keys)
	}
	return f.retag(arn, "UntagResource", func(m map[string]string) map[string]string {
		for _, k := range keys {
			delete(m, k)
		}
		return m
	})
}

func (f *Fake) CreateParticipantToken(ctx context.Context, region ivs.Region, in ivs.CreateTokenInput) (ivs.ParticipantToken, error) {
	f.recordWrite(Write{Op: "CreateParticipantToken", Token: in})
	if err := f.enter(ctx, "CreateParticipantToken"); err != nil {
		return ivs.ParticipantToken{}, err
	}
	if f.CreateTokenFn != nil {
		return f.CreateTokenFn(ctx, region, in)
	}
	return f.createToken(in)
}

// TokenSecretMark is in every token the fake issues, so that a test can
// tell where one went.
const TokenSecretMark = "PARTICIPANTTOKENSECRET"

// Tokens are the participant tokens the world issued, with their secrets.
func (f *Fake) Tokens() []ivs.ParticipantToken {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.w.tokens)
}

// Stage is the world's stage of that ARN, if there is one.
func (f *Fake) Stage(arn string) (ivs.Stage, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stage(arn)
}

// StageCount is the number of stages.
func (f *Fake) StageCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.w.stages)
}

func (f *Fake) stageIndex(arn string) int {
	return slices.IndexFunc(f.w.stages, func(s ivs.Stage) bool { return s.ARN == arn })
}

// createStage applies the service layer's promise: one stage per
// idempotency key.
func (f *Fake) createStage(region ivs.Region, in ivs.CreateStageInput) (ivs.Stage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if arn, ok := f.w.stageByToken[in.IdempotencyKey]; ok && in.IdempotencyKey != "" {
		if i := f.stageIndex(arn); i >= 0 {
			return f.w.stages[i], nil
		}
	}
	f.w.seq++
	id := fmt.Sprintf("Stage%07d", f.w.seq)
	st := ivs.Stage{ARN: ivs.StageARN(region, f.account(), id), ID: id, Name: in.Name, Tags: maps.Clone(in.Tags),
		Recording: withRecordingDefaults(in.Recording),
		Endpoints: ivs.StageEndpoints{WHIP: "https://" + id + ".whip.example", RTMP: "rtmp://" + id + ".example/app/",
			RTMPS: "rtmps://" + id + ".example:443/app/", Events: "wss://events.example"}}
	f.w.stages = append(f.w.stages, st)
	if in.IdempotencyKey != "" {
		if f.w.stageByToken == nil {
			f.w.stageByToken = map[string]string{}
		}
		f.w.stageByToken[in.IdempotencyKey] = st.ARN
	}
	return st, nil
}

func (f *Fake) account() string {
	if f.Account != "" {
		return f.Account
	}
	return Account
}

// withRecordingDefaults is a recording set-up as IVS stores it: nil when
// there is no storage configuration, AUDIO_VIDEO when no media type is set.
func withRecordingDefaults(r *ivs.AutoRecording) *ivs.AutoRecording {
	if r == nil || r.StorageConfigurationARN == "" {
		return nil
	}
	out := *r
	out.MediaTypes = slices.Clone(r.MediaTypes)
	if len(out.MediaTypes) == 0 {
		out.MediaTypes = []string{ivs.DefaultRecordingMedia}
	}
	return &out
}

func (f *Fake) updateStage(in ivs.UpdateStageInput) (ivs.Stage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.stageIndex(in.ARN)
	if i < 0 {
		return ivs.Stage{}, Err(ivs.KindNotFound, "UpdateStage", "Stage not found")
	}
	st := &f.w.stages[i]
	if in.Name != nil {
		st.Name = *in.Name
	}
	if in.Recording != nil {
		st.Recording = withRecordingDefaults(in.Recording)
	}
	return *st, nil
}

// deleteStage removes the stage, ends its live session (its participants
// leave) and, as IVS documents, detaches the configurations that were
// publishing into it.
func (f *Fake) deleteStage(arn string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := f.stageIndex(arn)
	if i < 0 {
		return Err(ivs.KindNotFound, "DeleteStage", "Stage not found")
	}
	if live := f.w.stages[i].ActiveSessionID; live != "" {
		for j := range f.w.sessions[arn] {
			if f.w.sessions[arn][j].ID == live {
				f.w.sessions[arn][j].EndTime = time.Now()
			}
		}
		ps := f.w.participants[sessionKey(arn, live)]
		for j := range ps {
			ps[j].State = ivs.ParticipantDisconnected
		}
	}
	for j := range f.w.configs {
		if f.w.configs[j].StageARN == arn && f.w.configs[j].Active() {
			f.w.configs[j].StageARN, f.w.configs[j].State = "", ivs.IngestInactive
		}
	}
	f.w.stages = slices.Delete(f.w.stages, i, i+1)
	return nil
}

// retag changes the tags of the stage or configuration of that ARN.
func (f *Fake) retag(arn, op string, change func(map[string]string) map[string]string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i := f.stageIndex(arn); i >= 0 {
		f.w.stages[i].Tags = change(maps.Clone(f.w.stages[i].Tags))
		return nil
	}
	if i := f.ingestIndex(arn); i >= 0 {
		f.w.configs[i].Tags = change(maps.Clone(f.w.configs[i].Tags))
		return nil
	}
	return Err(ivs.KindNotFound, op, "Resource not found: "+arn)
}

// createToken issues a token with the API's defaults: 720 minutes,
// PUBLISH and SUBSCRIBE.
func (f *Fake) createToken(in ivs.CreateTokenInput) (ivs.ParticipantToken, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.stage(in.StageARN); !ok {
		return ivs.ParticipantToken{}, Err(ivs.KindNotFound, "CreateParticipantToken", "Stage not found")
	}
	f.w.seq++
	t := ivs.ParticipantToken{
		ParticipantID: fmt.Sprintf("pTok%08d", f.w.seq), UserID: in.UserID, Attributes: maps.Clone(in.Attributes),
		Capabilities: slices.Clone(in.Capabilities), DurationMinutes: in.DurationMinutes,
	}
	if t.DurationMinutes == 0 {
		t.DurationMinutes = ivs.DefaultTokenDuration
	}
	if len(t.Capabilities) == 0 {
		t.Capabilities = []string{ivs.CapabilityPublish, ivs.CapabilitySubscribe}
	}
	t.ExpirationTime = time.Now().UTC().Add(time.Duration(t.DurationMinutes) * time.Minute).Truncate(time.Second)
	t.Token = ivs.NewTokenSecret(fmt.Sprintf("eyJhbGciOiJFUzM4NCJ9.eyJqdGkiOiJ%s%d.%s", t.ParticipantID, f.w.seq, TokenSecretMark))
	f.w.tokens = append(f.w.tokens, t)
	return t, nil
}
