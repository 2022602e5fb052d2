package console

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// CreateToken creates a participant token for a stage, to test it from the
// console. The audit record (which never holds the token) is written
// before the token is returned: without it the token is revoked and not
// shown, like a reveal that could not be recorded.
func (c *Console) CreateToken(ctx context.Context, a Actor, ref Ref, in ivs.CreateTokenInput) (ivs.ParticipantToken, error) {
	if err := c.canAudit(); err != nil {
		return ivs.ParticipantToken{}, err
	}
	arn, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return ivs.ParticipantToken{}, err
	}
	in.StageARN = arn
	tok, err := c.ivs.CreateParticipantToken(ctx, ref.Region, in)
	if err != nil {
		detail := fmt.Sprintf("capabilities=%s duration=%dmin", capabilityWords(in.Capabilities), in.DurationMinutes)
		return ivs.ParticipantToken{}, missing(c.audited(ctx, a, ref.Region, audit.ActionTokenCreate, arn, err, detail), ResourceStage, ref, "")
	}
	detail := fmt.Sprintf("participant=%s capabilities=%s duration=%dmin expires=%s",
		tok.ParticipantID, capabilityWords(tok.Capabilities), tok.DurationMinutes, tok.ExpirationTime.UTC().Format(time.RFC3339))
	if err := c.record(ctx, a, ref.Region, audit.ActionTokenCreate, arn, nil, detail); err != nil {
		// A token nobody holds does no harm, but revoke it all the same
		// (IVS revokes the token of a participant disconnected before it joins).
		_ = c.ivs.DisconnectParticipant(context.WithoutCancel(ctx), ref.Region, arn, tok.ParticipantID, "token withdrawn: it could not be audited")
		return ivs.ParticipantToken{}, &AuditError{Done: false, Err: err}
	}
	return tok, nil
}

func capabilityWords(caps []string) string {
	if len(caps) == 0 {
		return "default"
	}
	return strings.Join(caps, "+")
}
