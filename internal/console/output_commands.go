package console

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// ErrStageNotLive refuses a composition for a stage without a live
// session. IVS would accept it and stop it a minute later, having composed
// nothing: the console says so before asking.
var ErrStageNotLive = errors.New("this stage has no live session: a composition mixes the participants of a live session, and IVS stops one that has none after a minute")

// StartComposition starts a composition of a live stage once per
// idempotency key, and audits the attempt. It reads the stage fresh first
// and refuses one without a live session (ErrStageNotLive, not audited:
// nothing was asked of IVS).
func (c *Console) StartComposition(ctx context.Context, a Actor, ref Ref, in ivs.StartCompositionInput) (ivs.Composition, error) {
	if err := c.canAudit(); err != nil {
		return ivs.Composition{}, err
	}
	st, err := c.Stage(ivs.MustBeFresh(ctx), ref)
	if err != nil {
		return ivs.Composition{}, err
	}
	if !st.Live() {
		return ivs.Composition{}, ErrStageNotLive
	}
	in.StageARN = st.ARN
	comp, err := c.ivs.StartComposition(ctx, ref.Region, in)
	comp.ID = ivs.IDFromARN(comp.ARN)
	resource := comp.ARN
	if resource == "" {
		resource = st.ARN
	}
	return comp, c.audited(ctx, a, ref.Region, audit.ActionCompositionStart, resource, err, compositionWords(st, in))
}

// compositionWords is what the audit log says of a start.
func compositionWords(st ivs.Stage, in ivs.StartCompositionInput) string {
	var dests []string
	for _, d := range in.Destinations {
		switch {
		case d.ChannelARN != "":
			dests = append(dests, "channel "+d.ChannelARN)
		case d.StorageConfigurationARN != "":
			dests = append(dests, "S3 via "+d.StorageConfigurationARN)
		}
	}
	layout := strings.ToLower(in.Layout.Kind)
	if layout == "" {
		layout = "grid"
	}
	enc := "IVS's default encoding"
	if len(in.Destinations) > 0 && len(in.Destinations[0].EncoderConfigurationARNs) > 0 {
		enc = in.Destinations[0].EncoderConfigurationARNs[0]
	}
	return fmt.Sprintf("stage=%s session=%s layout=%s destinations=[%s] encoder=%s", st.ID, st.ActiveSessionID, layout, strings.Join(dests, ", "), enc)
}

// StopComposition stops a composition (its destinations stop receiving
// the program) and audits the attempt.
func (c *Console) StopComposition(ctx context.Context, a Actor, region ivs.Region, comp ivs.Composition) error {
	if err := c.canAudit(); err != nil {
		return err
	}
	err := c.ivs.StopComposition(ctx, region, comp.ARN)
	detail := fmt.Sprintf("stage=%s state=%s", ivs.IDFromARN(comp.StageARN), comp.State)
	return missing(c.audited(ctx, a, region, audit.ActionCompositionStop, comp.ARN, err, detail), ResourceComposition, Ref{Region: region}, comp.ID)
}
