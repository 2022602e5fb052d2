package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// compositionNew is the start composition form of a stage, with a fresh
// idempotency token.
func (h *handler) compositionNew(c echo.Context) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	ch, err := h.console.CompositionChoices(c.Request().Context(), ref)
	if err != nil {
		return err
	}
	f := form.NewCompositionForm()
	errs := form.Errors{}
	if !ch.Stage.Live() {
		errs.Add(form.FieldForm, notLiveMessage)
	}
	return h.renderCompositionStart(c, http.StatusOK, compositionFormView(ch, f, errs))
}

// notLiveMessage is the form's answer for a stage without a live session.
const notLiveMessage = "This stage has no live session, so there is nothing to compose: IVS would start the composition and stop it a minute later. Start it once a publisher is live."

// compositionCreate validates the form, starts the composition once per
// idempotency token (audited) and goes to its page.
func (h *handler) compositionCreate(c echo.Context) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := form.ParseCompositionForm(vals)
	if !form.ValidToken(f.Token) {
		f.Token = form.NewToken()
	}
	errs, status := f.Validate(ref.Region), http.StatusUnprocessableEntity
	if !errs.Any() {
		comp, err := h.console.StartComposition(c.Request().Context(), actorOf(c), ref, f.StartInput())
		if err == nil {
			addFlash(c, flashOK, "Started composition "+comp.ID+": IVS sends the program to its destinations within seconds.")
			return redirect(c, views.CompositionURL(string(ref.Region), comp.ID, ""))
		}
		if status, errs, err = startProblem(err); err != nil {
			return err
		}
	}
	ch, err := h.console.CompositionChoices(c.Request().Context(), ref)
	if err != nil {
		return err
	}
	return h.renderCompositionStart(c, status, compositionFormView(ch, f, errs))
}

// startProblem is the form's answer to a refused start: its status and the
// field it is about; err back when it is no problem of the form.
func startProblem(err error) (int, form.Errors, error) {
	status, field, msg, ok := formProblem(err, "the composition did not start")
	switch {
	case errors.Is(err, console.ErrStageNotLive):
		status, field, msg = http.StatusConflict, form.FieldForm, notLiveMessage
	case !ok:
		return 0, nil, err
	case ivs.KindOf(err) == ivs.KindConflict:
		field = form.FieldChannels // a channel already fed by another composition
	case field == "storageConfigurationArn":
		field = form.FieldStorages
	case field == "encoderConfigurationArns" || field == "encoderConfigurationArn":
		field = form.FieldEncoder
	case field == "channelArn":
		field = form.FieldChannels
	}
	return status, form.Errors{field: msg}, nil
}

func compositionFormView(ch console.CompositionChoices, f form.CompositionForm, errs form.Errors) views.CompositionFormView {
	return views.CompositionFormView{Stage: ch.Stage, Encoders: ch.Encoders, Storages: ch.Storages, Layout: f.Layout, Featured: f.Featured,
		PipAttr: f.PipAttr, PipPosition: f.PipPosition, PipBehavior: f.PipBehavior, Channels: f.Channels, Picked: f.Storages,
		Encoder: f.Encoder, Token: f.Token, Errors: errs}
}

func (h *handler) renderCompositionStart(c echo.Context, status int, v views.CompositionFormView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	p := h.page(c, "Start a composition of "+v.Stage.DisplayName(), "stages", "/stages")
	return render(c, status, views.CompositionStart(p, v))
}
