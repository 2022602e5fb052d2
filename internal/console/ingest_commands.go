package console

import (
	"context"
	"fmt"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// CreateIngest creates a configuration (stageID may be empty) once per
// idempotency key, and audits the attempt whatever its outcome.
func (c *Console) CreateIngest(ctx context.Context, a Actor, region ivs.Region, stageID string, in ivs.CreateIngestInput) (ivs.IngestConfiguration, error) {
	if err := c.canAudit(); err != nil {
		return ivs.IngestConfiguration{}, err
	}
	if stageID != "" {
		arn, err := c.StageARN(ctx, region, stageID)
		if err != nil {
			return ivs.IngestConfiguration{}, err
		}
		in.StageARN = arn
	}
	detail := fmt.Sprintf("name=%q protocol=%s redundant=%t stage=%s", in.Name, in.Protocol, in.RedundantIngest, stageID)
	cfg, err := c.ivs.CreateIngestConfiguration(ctx, region, in)
	if cfg.ID == "" && cfg.ARN != "" {
		cfg.ID = ivs.IDFromARN(cfg.ARN)
	}
	return cfg, c.audited(ctx, a, region, audit.ActionIngestCreate, cfg.ARN, err, detail)
}

// UpdateIngest changes a configuration's stage (stageID; empty keeps none)
// and redundant ingest, always sending the latter (the API defaults an
// absent value to false). It audits the attempt with the values before.
func (c *Console) UpdateIngest(ctx context.Context, a Actor, region ivs.Region, cfg ivs.IngestConfiguration, stageID string, redundant bool) error {
	if err := c.canAudit(); err != nil {
		return err
	}
	in := ivs.UpdateIngestInput{ARN: cfg.ARN, RedundantIngest: redundant}
	if stageID != "" {
		arn, err := c.StageARN(ctx, region, stageID)
		if err != nil {
			return err
		}
		in.StageARN = arn
	}
	detail := fmt.Sprintf("stage=%s redundant=%t (was stage=%s redundant=%t)", stageID, redundant, ivs.IDFromARN(cfg.StageARN), cfg.RedundantIngest)
	_, err := c.ivs.UpdateIngestConfiguration(ctx, region, in)
	return missing(c.audited(ctx, a, region, audit.ActionIngestUpdate, cfg.ARN, err, detail), ResourceIngest, Ref{Region: region}, cfg.ID)
}

// DeleteIngest deletes a configuration, forcing (which disconnects its
// publisher) only when asked, and audits the attempt.
func (c *Console) DeleteIngest(ctx context.Context, a Actor, region ivs.Region, cfg ivs.IngestConfiguration, force bool) error {
	if err := c.canAudit(); err != nil {
		return err
	}
	action := audit.ActionIngestDelete
	if force {
		action = audit.ActionIngestForceDelete
	}
	return c.deleteIngest(ctx, a, region, cfg, force, action, "")
}

func (c *Console) deleteIngest(ctx context.Context, a Actor, region ivs.Region, cfg ivs.IngestConfiguration, force bool, action, detail string) error {
	err := c.ivs.DeleteIngestConfiguration(ctx, region, cfg.ARN, force)
	return missing(c.audited(ctx, a, region, action, cfg.ARN, err, detail), ResourceIngest, Ref{Region: region}, cfg.ID)
}

// RotateIngest is step 1 of a key rotation (IVS has no key reset): it
// creates a copy of old with new keys, named name, once per idempotency
// key. The copy keeps everything but Greenroom's own and AWS's tags.
func (c *Console) RotateIngest(ctx context.Context, a Actor, region ivs.Region, old ivs.IngestConfiguration, name, idempotencyKey string) (ivs.IngestConfiguration, error) {
	if err := c.canAudit(); err != nil {
		return ivs.IngestConfiguration{}, err
	}
	in := ivs.CreateIngestInput{
		Name: name, StageARN: old.StageARN, UserID: old.UserID, Attributes: old.Attributes,
		Protocol: old.Protocol, InsecureIngest: old.Protocol == ivs.ProtocolRTMP, RedundantIngest: old.RedundantIngest,
		Tags: ivs.UserTags(old.Tags), IdempotencyKey: idempotencyKey,
	}
	created, err := c.ivs.CreateIngestConfiguration(ctx, region, in)
	detail := "step 1: create the replacement " + name
	if err == nil {
		detail = "step 1: created the replacement " + created.ARN
		if created.ID == "" {
			created.ID = ivs.IDFromARN(created.ARN)
		}
	}
	return created, c.audited(ctx, a, region, audit.ActionIngestRotate, old.ARN, err, detail)
}

// FinishOptions are what the user confirmed for a rotation's last step.
type FinishOptions struct {
	// Force disconnects a publisher still on the old key.
	Force bool
	// Anyway deletes although nothing publishes with the replacement.
	Anyway bool
}

// FinishRotation is a rotation's last step: it deletes the old
// configuration (forced only when asked), recorded as part of the rotation
// with the replacement's state. While the replacement is not ACTIVE (repl,
// as read just before) it refuses with ErrReplacementIdle, sending nothing,
// unless o.Anyway.
func (c *Console) FinishRotation(ctx context.Context, a Actor, region ivs.Region, old, repl ivs.IngestConfiguration, o FinishOptions) error {
	if !repl.Active() && !o.Anyway {
		return ErrReplacementIdle
	}
	if err := c.canAudit(); err != nil {
		return err
	}
	state := "the replacement publishes"
	if !repl.Active() {
		state = "nothing publishes with the replacement: deleted anyway"
	}
	detail := fmt.Sprintf("step 3: delete the old configuration, replaced by %s (%s; force=%t)", repl.ARN, state, o.Force)
	return c.deleteIngest(ctx, a, region, old, o.Force, audit.ActionIngestRotate, detail)
}

// Revealed is a configuration with its keys and the server its encoders
// connect to.
type Revealed struct {
	Config ivs.IngestConfiguration
	// Server is the stage's RTMPS (or, for RTMP, RTMP) endpoint; empty when
	// no stage is attached (NoStage) or it could not be read (ServerErr).
	Server    string
	NoStage   bool
	ServerErr error
}

// RevealKeys fetches a configuration's stream keys for a keyholder. The
// audit record is written first: without it no key is returned.
func (c *Console) RevealKeys(ctx context.Context, a Actor, region ivs.Region, id string) (Revealed, error) {
	if err := c.canAudit(); err != nil {
		return Revealed{}, err
	}
	arn, err := c.IngestARN(ctx, region, id)
	if err != nil {
		return Revealed{}, err
	}
	cfg, err := c.ivs.RevealStreamKeys(ctx, region, arn)
	if err != nil {
		_ = c.record(ctx, a, region, audit.ActionReveal, arn, err, "")
		return Revealed{}, missing(err, ResourceIngest, Ref{Region: region}, id)
	}
	if cfg.ID == "" {
		cfg.ID = id
	}
	v := Revealed{Config: cfg, NoStage: cfg.StageARN == ""}
	if !v.NoStage {
		st, err := c.ivs.GetStage(ctx, region, cfg.StageARN)
		switch {
		case err != nil:
			v.ServerErr = err
		case cfg.Protocol == ivs.ProtocolRTMP:
			v.Server = st.Endpoints.RTMP
		default:
			v.Server = st.Endpoints.RTMPS
		}
	}
	if err := c.record(ctx, a, region, audit.ActionReveal, cfg.ARN, nil, ""); err != nil {
		return Revealed{}, &AuditError{Done: false, Err: err}
	}
	return v, nil
}
