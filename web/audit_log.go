package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/views"
)

// auditFilter reads the filter from the query string; bad values are
// reported next to their field.
func auditFilter(q url.Values) (audit.Filter, views.AuditFilter, map[string]string) {
	typed := views.AuditFilter{
		Actor: strings.TrimSpace(q.Get("actor")), Action: q.Get("action"), Resource: strings.TrimSpace(q.Get("resource")),
		Outcome: q.Get("outcome"), From: strings.TrimSpace(q.Get("from")), To: strings.TrimSpace(q.Get("to")),
	}
	errs := map[string]string{}
	f := audit.Filter{Actor: typed.Actor, Resource: typed.Resource, Cursor: q.Get("cursor")}
	if typed.Action != "" {
		valid := false
		for _, a := range audit.Actions {
			valid = valid || a == typed.Action
		}
		if !valid {
			errs["action"] = "Unknown action."
		}
		f.Action = typed.Action
	}
	switch typed.Outcome {
	case "", "success", "failure":
		f.Outcome = typed.Outcome
	default:
		errs["outcome"] = "Choose success or failure."
	}
	for _, d := range []struct {
		name, value string
		into        *time.Time
		add         time.Duration
	}{{"from", typed.From, &f.Since, 0}, {"to", typed.To, &f.Until, 24 * time.Hour}} {
		if d.value == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", d.value)
		if err != nil {
			errs[d.name] = "Write the date as YYYY-MM-DD."
			continue
		}
		*d.into = t.Add(d.add)
	}
	for _, v := range []struct{ name, value string }{{"actor", typed.Actor}, {"resource", typed.Resource}} {
		if len(v.value) > 256 {
			errs[v.name] = "At most 256 characters."
		}
	}
	return f, typed, errs
}

func (h *handler) auditLog(c echo.Context) error {
	f, typed, errs := auditFilter(c.QueryParams())
	p := h.page(c, "Audit log", "audit", "/stages")
	v := views.AuditView{Filter: typed, Errors: errs}
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
	f, _, errs := auditFilter(c.QueryParams())
	if len(errs) > 0 {
		for field, msg := range errs {
			return badRequest("The " + field + " filter is not valid: " + msg)
		}
	}
	if h.AuditLog == nil {
		return auditUnavailable(false)
	}
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	hdr.Set(echo.HeaderContentDisposition, `attachment; filename="greenroom-audit-`+h.Now().UTC().Format("20060102-150405")+`.csv"`)
	hdr.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	return h.AuditLog.Export(c.Request().Context(), f, c.Response())
}
