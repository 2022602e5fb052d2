package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// AuditRecord is one audited action as the web layer knows it; cmd/greenroom
// hands it to internal/audit. Detail must never hold a stream key.
type AuditRecord struct {
	Time       time.Time
	Actor      string
	Role       string
	Region     string
	Resource   string // ARN
	Action     string // e.g. ingest.reveal, ingest.create, participant.disconnect
	Outcome    string // "success" or "failure: <reason>"
	ClientAddr string
	RequestID  string
	Detail     string
}

// Auditor writes a record durably before it returns.
type Auditor func(ctx context.Context, r AuditRecord) error

// Audit actions.
const (
	ActionReveal      = "ingest.reveal"
	ActionCreate      = "ingest.create"
	ActionUpdate      = "ingest.update"
	ActionDelete      = "ingest.delete"
	ActionForceDelete = "ingest.force_delete"
	ActionRotate      = "ingest.rotate"
	ActionDisconnect  = "participant.disconnect"
)

var errAuditFailed = errors.New("audit log write failed")

// audit records an action for the request's identity. Outcome is "success"
// when err is nil, else the failure in words. A failed write is reported to
// the caller, which must not show a secret or claim success without it.
func (h *handler) audit(c echo.Context, action, resource string, actionErr error, detail string) error {
	if h.Audit == nil {
		return errAuditFailed
	}
	id, _ := identityOf(c)
	rec := AuditRecord{
		Time:       h.Now().UTC(),
		Actor:      id.Actor(),
		Role:       string(id.PrimaryRole()),
		Region:     string(regionOf(c)),
		Resource:   resource,
		Action:     action,
		Outcome:    "success",
		ClientAddr: c.RealIP(), // the TCP peer, or X-Forwarded-For from -trusted-proxies only
		RequestID:  auditRequestID(c),
		Detail:     ivs.RedactStreamKeys(detail),
	}
	if actionErr != nil {
		rec.Outcome = "failure: " + ivs.RedactStreamKeys(actionErr.Error())
	}
	// The write must finish even if the browser goes away mid-request.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request().Context()), 5*time.Second)
	defer cancel()
	if err := h.Audit(ctx, rec); err != nil {
		h.Logger.Error("audit write failed", "request_id", rec.RequestID, "action", action, "error", err.Error())
		return errAuditFailed
	}
	return nil
}

// auditUnavailable is the answer when an action could not be audited.
func auditUnavailable(done bool) error {
	msg := "The audit log could not be written, so Greenroom did not go ahead. Try again; if it persists, tell an administrator (disk full or database locked)."
	if done {
		msg = "The change was made in IVS, but the audit log could not record it. Tell an administrator: the audit log needs attention."
	}
	return &pageError{Status: http.StatusServiceUnavailable, Title: "Audit log unavailable", Message: msg}
}
