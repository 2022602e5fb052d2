package ivstest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// The program output in the fake: compositions (a test sets their states
// with SetDestinationState), encoder and storage configurations, public
// keys and replicas, with the API's conflicts: a configuration used by a
// running composition cannot be deleted, a channel feeds one composition.

type output struct {
	compositions []ivs.Composition
	encoders     []ivs.EncoderConfiguration
	storages     []ivs.StorageConfiguration
	keys         []ivs.PublicKey
	replicas     []ivs.Replica
	byToken      map[string]string // idempotency token -> composition ARN
}

func outARN(region ivs.Region, resource, id string) string {
	return ivs.ARN{Partition: "aws", Region: region, Account: Account, Resource: resource, ID: id}.String()
}

// newOutput numbers a new resource: its ID (prefix and the world's next
// number) and ARN. The caller holds f.mu.
func (f *Fake) newOutput(region ivs.Region, prefix, resource string) (id, arn string) {
	f.w.seq++
	id = fmt.Sprintf("%s%08d", prefix, f.w.seq)
	return id, outARN(region, resource, id)
}

func compositionARN(c ivs.Composition) string      { return c.ARN }
func encoderARN(e ivs.EncoderConfiguration) string { return e.ARN }
func storageARN(s ivs.StorageConfiguration) string { return s.ARN }
func publicKeyARN(k ivs.PublicKey) string          { return k.ARN }

// AddComposition adds a composition (ARN and ID built when empty).
func (f *Fake) AddComposition(c ivs.Composition) ivs.Composition {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c.ARN == "" {
		c.ID, c.ARN = f.newOutput("us-east-1", "Comp", ivs.ResourceComposition)
	}
	f.w.out.compositions = append(f.w.out.compositions, c)
	return c
}

// SetDestinationState changes one destination of a composition.
func (f *Fake) SetDestinationState(compositionARN, destinationID, state string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.w.out.compositions {
		c := &f.w.out.compositions[i]
		if c.ARN != compositionARN {
			continue
		}
		c.Destinations = slices.Clone(c.Destinations)
		for j := range c.Destinations {
			if c.Destinations[j].ID == destinationID {
				c.Destinations[j].State = state
			}
		}
	}
}

// AddEncoderConfiguration, AddStorageConfiguration and AddPublicKey seed
// the world (ARN and ID built when empty).
func (f *Fake) AddEncoderConfiguration(e ivs.EncoderConfiguration) ivs.EncoderConfiguration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if e.ARN == "" {
		e.ID, e.ARN = f.newOutput("us-east-1", "Enc", ivs.ResourceEncoderConfig)
	}
	f.w.out.encoders = append(f.w.out.encoders, e)
	return e
}

func (f *Fake) AddStorageConfiguration(s ivs.StorageConfiguration) ivs.StorageConfiguration {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s.ARN == "" {
		s.ID, s.ARN = f.newOutput("us-east-1", "Sto", ivs.ResourceStorageConfig)
	}
	f.w.out.storages = append(f.w.out.storages, s)
	return s
}

func (f *Fake) AddPublicKey(k ivs.PublicKey) ivs.PublicKey {
	f.mu.Lock()
	defer f.mu.Unlock()
	if k.ARN == "" {
		k.ID, k.ARN = f.newOutput("us-east-1", "Key", ivs.ResourcePublicKey)
	}
	f.w.out.keys = append(f.w.out.keys, k)
	return k
}

// AddReplica seeds a replica.
func (f *Fake) AddReplica(r ivs.Replica) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.w.out.replicas = append(f.w.out.replicas, r)
}

func (f *Fake) ListCompositions(ctx context.Context, region ivs.Region, q ivs.CompositionQuery) (ivs.Page[ivs.Composition], error) {
	if err := f.enter(ctx, "ListCompositions"); err != nil {
		return ivs.Page[ivs.Composition]{}, err
	}
	if f.ListCompositionsFn != nil {
		return f.ListCompositionsFn(ctx, region, q)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var items []ivs.Composition
	for _, c := range f.w.out.compositions {
		if q.StageARN != "" && c.StageARN != q.StageARN {
			continue
		}
		if q.EncoderConfigurationARN != "" && !usesARN(c, q.EncoderConfigurationARN) {
			continue
		}
		items = append(items, compositionSummary(c))
	}
	return page(f, "ListCompositions", items, q.ListQuery)
}

// compositionSummary is what ListCompositions shows of a composition.
func compositionSummary(c ivs.Composition) ivs.Composition {
	s := ivs.Composition{ARN: c.ARN, ID: c.ID, StageARN: c.StageARN, State: c.State, StartTime: c.StartTime, EndTime: c.EndTime, Tags: c.Tags, Summary: true}
	for _, d := range c.Destinations {
		s.Destinations = append(s.Destinations, ivs.Destination{ID: d.ID, State: d.State, StartTime: d.StartTime, EndTime: d.EndTime})
	}
	return s
}

func usesARN(c ivs.Composition, arn string) bool {
	for _, d := range c.Destinations {
		if d.StorageConfigurationARN == arn || slices.Contains(d.EncoderConfigurationARNs, arn) {
			return true
		}
	}
	return false
}

func (f *Fake) GetComposition(ctx context.Context, region ivs.Region, arn string) (ivs.Composition, error) {
	if err := f.enter(ctx, "GetComposition"); err != nil {
		return ivs.Composition{}, err
	}
	if f.GetCompositionFn != nil {
		return f.GetCompositionFn(ctx, region, arn)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return find(f.w.out.compositions, "GetComposition", "Composition", arn, compositionARN)
}

// StartComposition starts ACTIVE at once (the fake has no clock).
func (f *Fake) StartComposition(ctx context.Context, region ivs.Region, in ivs.StartCompositionInput) (ivs.Composition, error) {
	f.recordWrite(Write{Op: "StartComposition", Composition: in})
	if err := f.enter(ctx, "StartComposition"); err != nil {
		return ivs.Composition{}, err
	}
	if f.StartCompositionFn != nil {
		return f.StartCompositionFn(ctx, region, in)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if arn, ok := f.w.out.byToken[in.IdempotencyKey]; ok && in.IdempotencyKey != "" {
		for _, c := range f.w.out.compositions {
			if c.ARN == arn {
				return c, nil
			}
		}
	}
	if _, ok := f.stage(in.StageARN); !ok {
		return ivs.Composition{}, Err(ivs.KindNotFound, "StartComposition", "Stage not found")
	}
	for _, d := range in.Destinations {
		for _, c := range f.w.out.compositions {
			if d.ChannelARN == "" || !c.Running() {
				continue
			}
			for _, cd := range c.Destinations {
				if cd.ChannelARN == d.ChannelARN {
					return ivs.Composition{}, Err(ivs.KindConflict, "StartComposition", "Channel "+d.ChannelARN+" is already the destination of composition "+c.ARN)
				}
			}
		}
	}
	id, arn := f.newOutput(region, "Comp", ivs.ResourceComposition)
	now := time.Now().UTC()
	c := ivs.Composition{ARN: arn, ID: id, StageARN: in.StageARN, State: ivs.CompositionActive,
		StartTime: now, Layout: in.Layout, Tags: in.Tags}
	for i, d := range in.Destinations {
		c.Destinations = append(c.Destinations, ivs.Destination{ID: fmt.Sprintf("%sD%d", id, i), Name: d.Name, State: ivs.CompositionActive, StartTime: now,
			ChannelARN: d.ChannelARN, StorageConfigurationARN: d.StorageConfigurationARN, EncoderConfigurationARNs: d.EncoderConfigurationARNs})
	}
	f.w.out.compositions = append(f.w.out.compositions, c)
	if in.IdempotencyKey != "" {
		if f.w.out.byToken == nil {
			f.w.out.byToken = map[string]string{}
		}
		f.w.out.byToken[in.IdempotencyKey] = c.ARN
	}
	return c, nil
}

// StopComposition stops at once.
func (f *Fake) StopComposition(ctx context.Context, region ivs.Region, arn string) error {
	f.recordWrite(Write{Op: "StopComposition", ARN: arn})
	if err := f.enter(ctx, "StopComposition"); err != nil {
		return err
	}
	if f.StopCompositionFn != nil {
		return f.StopCompositionFn(ctx, region, arn)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.w.out.compositions {
		c := &f.w.out.compositions[i]
		if c.ARN != arn {
			continue
		}
		if c.Stoppable() {
			now := time.Now().UTC()
			c.State, c.EndTime = ivs.CompositionStopped, now
			c.Destinations = slices.Clone(c.Destinations)
			for j := range c.Destinations {
				c.Destinations[j].State, c.Destinations[j].EndTime = ivs.CompositionStopped, now
			}
		}
		return nil
	}
	return Err(ivs.KindNotFound, "StopComposition", "Composition not found")
}

// usedBy names a running composition that uses arn ("" when none).
func (f *Fake) usedBy(arn string) string {
	for _, c := range f.w.out.compositions {
		if c.Running() && usesARN(c, arn) {
			return c.ARN
		}
	}
	return ""
}

func (f *Fake) ListEncoderConfigurations(ctx context.Context, region ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.EncoderConfiguration], error) {
	if err := f.enter(ctx, "ListEncoderConfigurations"); err != nil {
		return ivs.Page[ivs.EncoderConfiguration]{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	items := make([]ivs.EncoderConfiguration, 0, len(f.w.out.encoders))
	for _, e := range f.w.out.encoders {
		items = append(items, ivs.EncoderConfiguration{ARN: e.ARN, ID: e.ID, Name: e.Name, Tags: e.Tags, Summary: true})
	}
	return page(f, "ListEncoderConfigurations", items, q)
}

func (f *Fake) GetEncoderConfiguration(ctx context.Context, region ivs.Region, arn string) (ivs.EncoderConfiguration, error) {
	return getOutput(f, ctx, "GetEncoderConfiguration", "Encoder configuration", arn, &f.w.out.encoders, encoderARN)
}

func (f *Fake) CreateEncoderConfiguration(ctx context.Context, region ivs.Region, in ivs.CreateEncoderInput) (ivs.EncoderConfiguration, error) {
	f.recordWrite(Write{Op: "CreateEncoderConfiguration", Encoder: in})
	if err := f.enter(ctx, "CreateEncoderConfiguration"); err != nil {
		return ivs.EncoderConfiguration{}, err
	}
	e := ivs.EncoderConfiguration{Name: in.Name, Width: in.Width, Height: in.Height, Framerate: in.Framerate, Bitrate: in.Bitrate, Tags: in.Tags}
	if e.Width == 0 {
		e.Width, e.Height = 1280, 720
	}
	if e.Framerate == 0 {
		e.Framerate = 30
	}
	if e.Bitrate == 0 {
		e.Bitrate = 2500000
	}
	f.mu.Lock()
	e.ID, e.ARN = f.newOutput(region, "Enc", ivs.ResourceEncoderConfig)
	f.w.out.encoders = append(f.w.out.encoders, e)
	f.mu.Unlock()
	return e, nil
}

func (f *Fake) DeleteEncoderConfiguration(ctx context.Context, region ivs.Region, arn string) error {
	return deleteOutput(f, ctx, "DeleteEncoderConfiguration", "Encoder configuration", region, arn, &f.w.out.encoders, encoderARN)
}

func (f *Fake) ListStorageConfigurations(ctx context.Context, region ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.StorageConfiguration], error) {
	if err := f.enter(ctx, "ListStorageConfigurations"); err != nil {
		return ivs.Page[ivs.StorageConfiguration]{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return page(f, "ListStorageConfigurations", f.w.out.storages, q)
}

func (f *Fake) GetStorageConfiguration(ctx context.Context, region ivs.Region, arn string) (ivs.StorageConfiguration, error) {
	return getOutput(f, ctx, "GetStorageConfiguration", "Storage configuration", arn, &f.w.out.storages, storageARN)
}

func (f *Fake) CreateStorageConfiguration(ctx context.Context, region ivs.Region, in ivs.CreateStorageInput) (ivs.StorageConfiguration, error) {
	f.recordWrite(Write{Op: "CreateStorageConfiguration", Storage: in})
	if err := f.enter(ctx, "CreateStorageConfiguration"); err != nil {
		return ivs.StorageConfiguration{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s := ivs.StorageConfiguration{Name: in.Name, S3Bucket: in.S3Bucket, Tags: in.Tags}
	s.ID, s.ARN = f.newOutput(region, "Sto", ivs.ResourceStorageConfig)
	f.w.out.storages = append(f.w.out.storages, s)
	return s, nil
}

func (f *Fake) DeleteStorageConfiguration(ctx context.Context, region ivs.Region, arn string) error {
	return deleteOutput(f, ctx, "DeleteStorageConfiguration", "Storage configuration", region, arn, &f.w.out.storages, storageARN)
}

func (f *Fake) ListPublicKeys(ctx context.Context, region ivs.Region, q ivs.ListQuery) (ivs.Page[ivs.PublicKey], error) {
	if err := f.enter(ctx, "ListPublicKeys"); err != nil {
		return ivs.Page[ivs.PublicKey]{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	items := make([]ivs.PublicKey, 0, len(f.w.out.keys))
	for _, k := range f.w.out.keys {
		items = append(items, ivs.PublicKey{ARN: k.ARN, ID: k.ID, Name: k.Name, Tags: k.Tags, Summary: true})
	}
	return page(f, "ListPublicKeys", items, q)
}

func (f *Fake) GetPublicKey(ctx context.Context, region ivs.Region, arn string) (ivs.PublicKey, error) {
	return getOutput(f, ctx, "GetPublicKey", "Public key", arn, &f.w.out.keys, publicKeyARN)
}

func (f *Fake) ImportPublicKey(ctx context.Context, region ivs.Region, in ivs.ImportPublicKeyInput) (ivs.PublicKey, error) {
	f.recordWrite(Write{Op: "ImportPublicKey", PublicKey: in})
	if err := f.enter(ctx, "ImportPublicKey"); err != nil {
		return ivs.PublicKey{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, k := range f.w.out.keys {
		if k.PEM == in.PEM {
			return ivs.PublicKey{}, Err(ivs.KindConflict, "ImportPublicKey", "This public key was already imported as "+k.ARN)
		}
	}
	k := ivs.PublicKey{Name: in.Name, PEM: in.PEM, Tags: in.Tags}
	k.ID, k.ARN = f.newOutput(region, "Key", ivs.ResourcePublicKey)
	k.Fingerprint = fmt.Sprintf("fp:%08d", f.w.seq)
	f.w.out.keys = append(f.w.out.keys, k)
	return k, nil
}

func (f *Fake) DeletePublicKey(ctx context.Context, region ivs.Region, arn string) error {
	return deleteOutput(f, ctx, "DeletePublicKey", "Public key", region, arn, &f.w.out.keys, publicKeyARN)
}

func (f *Fake) StartParticipantReplication(ctx context.Context, region ivs.Region, in ivs.StartReplicationInput) error {
	f.recordWrite(Write{Op: "StartParticipantReplication", Replication: in})
	if err := f.enter(ctx, "StartParticipantReplication"); err != nil {
		return err
	}
	if f.StartReplicationFn != nil {
		return f.StartReplicationFn(ctx, region, in)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.w.out.replicas {
		if r.ParticipantID == in.ParticipantID && r.DestinationStageARN == in.DestinationStageARN && r.State == "ACTIVE" {
			return Err(ivs.KindConflict, "StartParticipantReplication", "The participant is already replicated to this stage")
		}
	}
	dst, _ := f.stage(in.DestinationStageARN)
	src, _ := f.stage(in.SourceStageARN)
	f.w.out.replicas = append(f.w.out.replicas, ivs.Replica{ParticipantID: in.ParticipantID, SourceStageARN: in.SourceStageARN,
		SourceSessionID: src.ActiveSessionID, DestinationStageARN: in.DestinationStageARN, DestinationSessionID: dst.ActiveSessionID, State: "ACTIVE"})
	return nil
}

func (f *Fake) StopParticipantReplication(ctx context.Context, region ivs.Region, src, dst, participantID string) error {
	f.recordWrite(Write{Op: "StopParticipantReplication", ARN: dst, Replication: ivs.StartReplicationInput{SourceStageARN: src, DestinationStageARN: dst, ParticipantID: participantID}})
	if err := f.enter(ctx, "StopParticipantReplication"); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, r := range f.w.out.replicas {
		if r.ParticipantID == participantID && r.SourceStageARN == src && r.DestinationStageARN == dst && r.State == "ACTIVE" {
			f.w.out.replicas[i].State = "STOPPED"
			return nil
		}
	}
	return Err(ivs.KindNotFound, "StopParticipantReplication", "No active replication of this participant to that stage")
}

func (f *Fake) ListParticipantReplicas(ctx context.Context, region ivs.Region, q ivs.ReplicaQuery) (ivs.Page[ivs.Replica], error) {
	if err := f.enter(ctx, "ListParticipantReplicas"); err != nil {
		return ivs.Page[ivs.Replica]{}, err
	}
	if f.ListReplicasFn != nil {
		return f.ListReplicasFn(ctx, region, q)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var items []ivs.Replica
	for _, r := range f.w.out.replicas {
		if r.SourceStageARN == q.SourceStageARN && r.ParticipantID == q.ParticipantID {
			items = append(items, r)
		}
	}
	return page(f, "ListParticipantReplicas", items, q.ListQuery)
}

// find is the item whose ARN is arn, or IVS's not found.
func find[T any](items []T, op, what, arn string, arnOf func(T) string) (T, error) {
	for _, it := range items {
		if arnOf(it) == arn {
			return it, nil
		}
	}
	var zero T
	return zero, Err(ivs.KindNotFound, op, what+" not found")
}

// getOutput reads an encoder or storage configuration or a public key.
func getOutput[T any](f *Fake, ctx context.Context, op, what, arn string, items *[]T, arnOf func(T) string) (T, error) {
	if err := f.enter(ctx, op); err != nil {
		var zero T
		return zero, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return find(*items, op, what, arn, arnOf)
}

// deleteOutput deletes an encoder or storage configuration or a public
// key, refusing a configuration a running composition uses, as IVS does.
func deleteOutput[T any](f *Fake, ctx context.Context, op, what string, region ivs.Region, arn string, items *[]T, arnOf func(T) string) error {
	f.recordWrite(Write{Op: op, ARN: arn})
	if err := f.enter(ctx, op); err != nil {
		return err
	}
	if f.DeleteOutputFn != nil {
		return f.DeleteOutputFn(ctx, op, region, arn)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if by := f.usedBy(arn); by != "" {
		return Err(ivs.KindConflict, op, what+" "+arn+" is used by composition "+by)
	}
	i := slices.IndexFunc(*items, func(t T) bool { return arnOf(t) == arn })
	if i < 0 {
		return Err(ivs.KindNotFound, op, what+" not found")
	}
	*items = slices.Delete(*items, i, i+1)
	return nil
}
