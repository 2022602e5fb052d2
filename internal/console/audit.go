package console

import (
	"context"
	"errors"
	"time"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Actor is who asks for a command and from where, as the audit log records it.
type Actor struct {
	Name       string // e-mail or subject of the verified identity
	Role       string
	ClientAddr string
	RequestID  string
}

// ErrNotAudited is joined to the error of a command that failed and whose
// failure the audit log could not record either.
var ErrNotAudited = errors.New("the audit log could not record this attempt")

// AuditError is a command's answer when the audit log could not be written.
// Done says whether the change had already been made in IVS (it is never
// false for an action that went ahead: an unrecorded reveal shows no key).
type AuditError struct {
	Done bool
	Err  error
}

func (e *AuditError) Error() string {
	if e.Done {
		return "done in IVS but not audited: " + e.Err.Error()
	}
	return "not done: the audit log could not be written: " + e.Err.Error()
}

func (e *AuditError) Unwrap() error { return e.Err }

// errNoAuditLog is the answer of every audited command of a console built
// without an audit log: no record, no action.
var errNoAuditLog = &AuditError{Err: errors.New("no audit log is configured")}

// canAudit refuses a command up front when there is nowhere to record it.
func (c *Console) canAudit() error {
	if c.audit == nil {
		return errNoAuditLog
	}
	return nil
}

// record writes the audit event of an action whose outcome is actionErr.
// The write finishes even if the request that asked for it goes away.
func (c *Console) record(ctx context.Context, a Actor, region ivs.Region, action, resource string, actionErr error, detail string) error {
	if c.audit == nil {
		return errNoAuditLog.Err
	}
	e := audit.Event{
		Time: c.now().UTC(), Actor: a.Name, Role: a.Role, Region: string(region), Resource: resource,
		Action: action, Outcome: audit.OutcomeSuccess, ClientAddr: a.ClientAddr, RequestID: a.RequestID,
		Detail: ivs.RedactStreamKeys(detail),
	}
	if actionErr != nil {
		e.Outcome = audit.Failure(ivs.RedactStreamKeys(actionErr.Error()))
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := c.audit.Record(ctx, e); err != nil {
		c.log.Error("audit write failed", "request_id", a.RequestID, "action", action, "error", err.Error())
		return err
	}
	return nil
}

// audited records an action that was attempted (actionErr its outcome) and
// returns the command's error: actionErr (joined with ErrNotAudited when the
// failure could not be recorded), or an AuditError when a change made in IVS
// could not be recorded.
func (c *Console) audited(ctx context.Context, a Actor, region ivs.Region, action, resource string, actionErr error, detail string) error {
	recErr := c.record(ctx, a, region, action, resource, actionErr, detail)
	switch {
	case actionErr != nil && recErr != nil:
		return errors.Join(actionErr, ErrNotAudited)
	case actionErr != nil:
		return actionErr
	case recErr != nil:
		return &AuditError{Done: true, Err: recErr}
	}
	return nil
}
