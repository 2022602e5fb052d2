package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/web/form"
)

// formProblem puts an upstream failure of a form's action into words for
// the form (what: what did not happen), with the field it is about and the
// status to answer (from the one table, statusOf). ok is false for failures
// the central error handler answers: not found, audit, the unexpected.
func formProblem(err error, what string) (status int, field, msg string, ok bool) {
	var de *ivs.Error
	switch {
	case errors.As(err, &de) && de.Kind != ivs.KindNotFound && de.Kind != ivs.KindUnknown:
		status = statusOf(de.Kind)
		switch de.Kind {
		case ivs.KindValidation:
			field, msg = form.APIField(de.Field), "IVS refused this: "+de.Message
		case ivs.KindConflict:
			msg = "IVS refused: " + de.Message
		case ivs.KindThrottled:
			msg = "IVS is rate-limiting this AWS account right now, so " + what + " did not happen. Your input is kept: try again in a few seconds."
		case ivs.KindUnavailable:
			msg = "IVS did not answer (" + de.Message + "). Your input is kept: try again; submitting this form again never makes a duplicate."
		case ivs.KindAccessDenied:
			msg = "Greenroom's AWS credentials are not allowed to do this (" + de.Op + "). An administrator needs to grant it in IAM. " + de.Message
		case ivs.KindQuota:
			msg = "An IVS quota is reached: " + de.Message
		}
	case errors.Is(err, context.DeadlineExceeded):
		status, msg = http.StatusGatewayTimeout, "IVS took too long to answer. Your input is kept: try again; submitting this form again never makes a duplicate."
	default:
		return 0, "", "", false
	}
	msg += auditNote(err)
	if field == "" {
		field = form.FieldForm
	}
	return status, field, msg, true
}

// noPushOnRerender keeps the browser's address on the form's page when htmx
// swaps in a re-rendered form after an error.
func noPushOnRerender(c echo.Context) {
	if isHTMX(c) {
		c.Response().Header().Set("HX-Push-Url", "false")
	}
}

// auditNote is added to a form's message when even the audit record of a
// failed attempt could not be written.
func auditNote(err error) string {
	if errors.Is(err, console.ErrNotAudited) {
		return " (The audit log could not record this attempt either: tell an administrator.)"
	}
	return ""
}
