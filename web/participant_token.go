package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// tokenNew shows the participant token form of a stage.
func (h *handler) tokenNew(c echo.Context) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	st, err := h.console.Stage(c.Request().Context(), ref)
	if err != nil {
		return err
	}
	return h.renderTokenNew(c, http.StatusOK, tokenFormView(st, form.NewTokenForm(), nil))
}

// tokenCreate creates a participant token (audited without it) and shows
// it once: the answer to this POST, never stored (no-store), never in a URL
// (no redirect, no pushed address) or a log line.
func (h *handler) tokenCreate(c echo.Context) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	ctx := c.Request().Context()
	st, err := h.console.Stage(ctx, ref)
	if err != nil {
		return err
	}
	f := form.ParseTokenForm(vals)
	if errs := f.Validate(); errs.Any() {
		return h.renderTokenNew(c, http.StatusUnprocessableEntity, tokenFormView(st, f, errs))
	}
	tok, err := h.console.CreateToken(ctx, actorOf(c), ref, f.Input())
	if err != nil {
		status, field, msg, ok := formProblem(err, "no token was created")
		if !ok {
			return err
		}
		var de *ivs.Error
		if errors.As(err, &de) {
			switch de.Kind {
			case ivs.KindValidation:
				if f := form.TokenAPIField(de.Field, de.Message); f != "" {
					field = f
				}
			case ivs.KindUnavailable:
				msg = "IVS did not answer (" + de.Message + "). Try again: a token IVS may have made meanwhile was never shown to anyone." + auditNote(err)
			}
		}
		return h.renderTokenNew(c, status, tokenFormView(st, f, form.Errors{field: msg}))
	}
	hdr := c.Response().Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Pragma", "no-cache")
	if isHTMX(c) {
		hdr.Set("HX-Push-Url", "false") // the address stays the form's
	}
	p := h.page(c, "Participant token for "+st.DisplayName(), "stages", "/stages")
	return render(c, http.StatusOK, views.TokenShow(p, views.TokenView{Stage: st, Token: tok, Now: h.Now()}))
}

func tokenFormView(st ivs.Stage, f form.TokenForm, errs form.Errors) views.TokenFormView {
	return views.TokenFormView{Stage: st, UserID: f.UserID, Attributes: ingestKVs(f.Attributes), Publish: f.Publish, Subscribe: f.Subscribe,
		Duration: f.Duration, Errors: errs, MaxAttributes: ivs.MaxAttributesLen}
}

func (h *handler) renderTokenNew(c echo.Context, status int, v views.TokenFormView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	return render(c, status, views.TokenNew(h.page(c, "Participant token for "+v.Stage.DisplayName(), "stages", "/stages"), v))
}
