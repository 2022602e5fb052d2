package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

func (h *handler) auditLog(c echo.Context) error {
	f, typed, errs := form.ParseAuditFilter(c.QueryParams())
	p := h.page(c, "Audit log", "audit", "/stages")
	v := views.AuditView{Filter: views.AuditFilter(typed), Errors: errs}
	q := c.QueryParams()
	q.Del("cursor")
	v.CSVURL = "/audit.csv?" + q.Encode()
	if len(errs) > 0 {
		return render(c, http.StatusBadRequest, views.AuditLog(p, v))
	}
	if h.AuditLog == nil {
		return auditUnavailable(false)
	}
	events, next, err := h.AuditLog.Query(c.Request().Context(), f)
	if err == audit.ErrBadCursor {
		return badRequest("The page position in the address is damaged: start again from the newest events.")
	}
	if err != nil {
		return err
	}
	v.Events = events
	if next != "" {
		q.Set("cursor", next)
		v.NextURL = "/audit?" + q.Encode()
	}
	return render(c, http.StatusOK, views.AuditLog(p, v))
}

// auditExport streams every matching event as CSV, with constant memory.
func (h *handler) auditExport(c echo.Context) error {
	f, _, errs := form.ParseAuditFilter(c.QueryParams())
	if len(errs) > 0 {
		for field, msg := range errs {
			return badRequest("The " + field + " filter is not valid: " + msg)
		}
	}
	if h.AuditLog == nil {
		return auditUnavailable(false)
	}
	startDownload(c, "greenroom-audit-"+h.Now().UTC().Format("20060102-150405")+".csv")
	return h.AuditLog.Export(c.Request().Context(), f, c.Response())
}
