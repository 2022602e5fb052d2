package web

import (
	"net/http"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/views"
)

// render writes a templ component with the given status. HTML responses are
// private to the user and never stored by shared caches.
func render(c echo.Context, status int, comp templ.Component) error {
	hdr := c.Response().Header()
	hdr.Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	if hdr.Get("Cache-Control") == "" {
		hdr.Set("Cache-Control", "private, no-cache")
	}
	hdr.Add("Vary", "HX-Request")
	c.Response().WriteHeader(status)
	return comp.Render(c.Request().Context(), c.Response())
}

// page builds the layout's view model for this request.
func (h *handler) page(c echo.Context, title, nav, sectionPath string) views.Page {
	p := views.Page{
		Title:       title,
		Nav:         nav,
		Region:      string(regionOf(c)),
		Regions:     h.regionNames,
		Emulator:    h.Emulator,
		CSRF:        csrfOf(c),
		SectionPath: sectionPath,
		Now:         h.Now(),
	}
	if p.Region == "" {
		p.Region = string(h.defaultRegion())
	}
	if p.SectionPath == "" {
		p.SectionPath = "/stages"
	}
	if id, ok := identityOf(c); ok {
		p.User = displayName(id)
		p.Role = string(id.PrimaryRole())
		p.CanOperate = id.Has(auth.RoleOperator)
		p.CanReveal = id.Has(auth.RoleKeyholder)
		p.IsAdmin = id.Has(auth.RoleAdmin)
	}
	p.Flashes = takeFlashes(c)
	if stale, since := freshnessOf(c).Stale(); stale {
		p.Stale, p.StaleSince = true, since
	}
	return p
}

// displayName is who the header says you are: the verified actor the audit
// log records (e-mail, else subject), never a free display-name header.
func displayName(id auth.Identity) string {
	if a := id.Actor(); a != "" {
		return a
	}
	return "unknown"
}

// redirect answers a successful POST: htmx follows HX-Location without a full
// reload; plain forms get a 303 (POST-redirect-GET).
func redirect(c echo.Context, to string) error {
	if isHTMX(c) {
		c.Response().Header().Set("HX-Location", to)
		return c.NoContent(http.StatusNoContent)
	}
	return c.Redirect(http.StatusSeeOther, to)
}
