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

// Key rotation. IVS has no key reset, so a rotation is: create a copy of
// the configuration (new keys), move the encoders to it, delete the old one.

// ingestRotateStart explains the rotation and offers to create the copy.
func (h *handler) ingestRotateStart(c echo.Context) error {
	old, err := h.ingestParam(c, "id")
	if err != nil {
		return err
	}
	v := views.IngestRotateView{Old: old, NewName: form.RotatedName(old.Name, old.ID), Token: form.NewToken()}
	return h.renderIngestRotate(c, http.StatusOK, v)
}

// ingestRotateCreate creates the replacement (audited), once per form token.
func (h *handler) ingestRotateCreate(c echo.Context) error {
	old, err := h.ingestParam(c, "id")
	if err != nil {
		return err
	}
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	v := views.IngestRotateView{Old: old, NewName: form.RotatedName(old.Name, old.ID), Token: vals.Get(form.FieldToken)}
	if !form.ValidToken(v.Token) {
		v.Token = form.NewToken()
		v.Message = "This form is missing its one-time token (it protects against creating two copies). Nothing was created: press the button again."
		return h.renderIngestRotate(c, http.StatusUnprocessableEntity, v)
	}
	created, err := h.console.RotateIngest(c.Request().Context(), actorOf(c), regionOf(c), old, v.NewName, v.Token)
	if err != nil {
		status, _, msg, ok := formProblem(err, "the copy")
		if !ok {
			return err
		}
		v.Message = msg
		return h.renderIngestRotate(c, status, v)
	}
	addFlash(c, flashOK, "Created "+views.Quoted(created)+" with new keys. Move the encoder"+views.PluralS(created.RedundantIngest)+" to it, then delete the old configuration.")
	return redirect(c, views.IngestURL(string(regionOf(c)), old.ID, "/rotate/"+created.ID))
}

// ingestRotatePair reads the old configuration and its replacement.
func (h *handler) ingestRotatePair(c echo.Context) (old, repl ivs.IngestConfiguration, err error) {
	oldID, err := ingestIDParam(c, "id")
	if err != nil {
		return old, repl, err
	}
	newID, err := ingestIDParam(c, "newId")
	if err != nil {
		return old, repl, err
	}
	if oldID == newID {
		return old, repl, badRequest("A configuration cannot replace itself.")
	}
	return h.console.IngestPair(c.Request().Context(), regionOf(c), oldID, newID)
}

// ingestRotateFinishPage is step 2 (move the encoders; what publishes now
// refreshes itself: ?fragment=status, the same address for every viewer)
// and, with ?step=confirm, step 3's confirmation with those facts.
func (h *handler) ingestRotateFinishPage(c echo.Context) error {
	fragment, step := c.QueryParam("fragment"), c.QueryParam("step")
	if fragment != "" && fragment != "status" {
		return badRequest("“fragment” can only be “status” on a rotation's page.")
	}
	if step != "" && step != "confirm" {
		return badRequest("“step” can only be “confirm” on a rotation's page.")
	}
	old, repl, err := h.ingestRotatePair(c)
	if err != nil {
		return err
	}
	status := rotationStatusView(h.console.RotationNow(c.Request().Context(), regionOf(c), old, repl))
	switch {
	case fragment == "status":
		p := views.Page{Region: string(regionOf(c)), Now: h.Now()} // a fragment: no layout, no flashes taken
		return render(c, http.StatusOK, views.IngestRotateStatus(p, status, true))
	case step == "confirm":
		return h.renderIngestRotateConfirm(c, http.StatusOK, views.IngestRotateConfirmView{Status: status})
	}
	return h.renderIngestRotateFinish(c, http.StatusOK, views.IngestRotateFinishView{Old: old, New: repl, Status: status})
}

// ingestRotateFinish deletes the old configuration once confirmed on the
// confirmation page (forced only when ticked; while nothing publishes with
// the replacement, only with "delete anyway" ticked) and ends on the
// replacement's page. Anything else shows the confirmation again with the
// facts of now, and sends nothing.
func (h *handler) ingestRotateFinish(c echo.Context) error {
	old, repl, err := h.ingestRotatePair(c)
	if err != nil {
		return err
	}
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := form.ParseRotateFinishForm(vals)
	ctx, region := c.Request().Context(), regionOf(c)
	refuse := func(status int, field, msg string) error {
		v := views.IngestRotateConfirmView{Status: rotationStatusView(h.console.RotationNow(ctx, region, old, repl)), Force: f.Force, Anyway: f.Anyway,
			Errors: form.Errors{field: msg}}
		return h.renderIngestRotateConfirm(c, status, v)
	}
	if !f.Confirmed {
		return refuse(http.StatusUnprocessableEntity, form.FieldForm, "Nothing was deleted: check what publishes now, then confirm below.")
	}
	err = h.console.FinishRotation(ctx, actorOf(c), region, old, repl, console.FinishOptions{Force: f.Force, Anyway: f.Anyway})
	switch {
	case errors.Is(err, console.ErrReplacementIdle):
		return refuse(http.StatusUnprocessableEntity, form.FieldAnyway, "Nothing publishes with the new configuration yet, so nothing was deleted. Move the encoder to the new key first, or tick “Delete anyway” if no encoder needs the old key any more.")
	case err != nil:
		field := form.FieldForm
		if ivs.KindOf(err) == ivs.KindConflict {
			field = form.FieldForce // deleteRefused marks the old one ACTIVE: the box is shown
		}
		status, msg, err := deleteRefused(err, &old, "IVS refused to delete the old configuration because it is ACTIVE: an encoder still publishes with the old key. Nothing was deleted. Move it to the new key first, or tick “Force”.")
		if err != nil {
			return err
		}
		return refuse(status, field, msg)
	}
	addFlash(c, flashOK, "Rotation finished: "+views.Quoted(old)+" is deleted and its keys no longer work; "+views.Quoted(repl)+" replaces it.")
	return redirect(c, views.IngestURL(string(region), repl.ID, ""))
}

// rotationStatusView puts the application layer's facts into the view's terms.
func rotationStatusView(s console.RotationStatus) views.IngestRotateStatusView {
	return views.IngestRotateStatusView{Old: ingestNowView(s.Old), New: ingestNowView(s.New), CheckedAt: s.CheckedAt}
}

func ingestNowView(n console.IngestNow) views.IngestNowView {
	v := views.IngestNowView{Config: n.Config, Publishing: n.Publishing, Since: n.Since, Encoders: n.Encoders}
	if n.Err != nil {
		v.Unknown = "Since when, and which encoders, could not be read just now (" + ivs.KindOf(n.Err).String() + "); the state is IVS's."
	}
	return v
}

func (h *handler) renderIngestRotate(c echo.Context, status int, v views.IngestRotateView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	p := h.page(c, "Rotate keys of "+v.Old.DisplayName(), "ingest", ingestSection)
	return render(c, status, views.IngestRotate(p, v))
}

func (h *handler) renderIngestRotateFinish(c echo.Context, status int, v views.IngestRotateFinishView) error {
	p := h.page(c, "Finish rotating "+v.Old.DisplayName(), "ingest", ingestSection)
	return render(c, status, views.IngestRotateFinish(p, v))
}

func (h *handler) renderIngestRotateConfirm(c echo.Context, status int, v views.IngestRotateConfirmView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	p := h.page(c, "Delete "+v.Status.Old.Config.DisplayName()+"?", "ingest", ingestSection)
	return render(c, status, views.IngestRotateConfirm(p, v))
}
