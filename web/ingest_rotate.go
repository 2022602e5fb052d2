package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

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

// ingestRotateFinishPage shows the replacement's keys to reveal and the
// old configuration to delete.
func (h *handler) ingestRotateFinishPage(c echo.Context) error {
	old, repl, err := h.ingestRotatePair(c)
	if err != nil {
		return err
	}
	return h.renderIngestRotateFinish(c, http.StatusOK, views.IngestRotateFinishView{Old: old, New: repl})
}

// ingestRotateFinish deletes the old configuration (forced only when the
// user ticked it) and ends on the replacement's page.
func (h *handler) ingestRotateFinish(c echo.Context) error {
	old, repl, err := h.ingestRotatePair(c)
	if err != nil {
		return err
	}
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := form.ParseDeleteForm(vals)
	if err := h.console.FinishRotation(c.Request().Context(), actorOf(c), regionOf(c), old, repl, f.Force); err != nil {
		status, msg, err := deleteRefused(err, &old, "IVS refused to delete the old configuration because it is ACTIVE: an encoder still publishes with the old key. Nothing was deleted. Move it to the new key first, or tick “Force”.")
		if err != nil {
			return err
		}
		return h.renderIngestRotateFinish(c, status, views.IngestRotateFinishView{Old: old, New: repl, Force: f.Force, Message: msg})
	}
	addFlash(c, flashOK, "Rotation finished: "+views.Quoted(old)+" is deleted and its keys no longer work; "+views.Quoted(repl)+" replaces it.")
	return redirect(c, views.IngestURL(string(regionOf(c)), repl.ID, ""))
}

func (h *handler) renderIngestRotate(c echo.Context, status int, v views.IngestRotateView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	p := h.page(c, "Rotate keys of "+v.Old.DisplayName(), "ingest", ingestSection)
	return render(c, status, views.IngestRotate(p, v))
}

func (h *handler) renderIngestRotateFinish(c echo.Context, status int, v views.IngestRotateFinishView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	p := h.page(c, "Finish rotating "+v.Old.DisplayName(), "ingest", ingestSection)
	return render(c, status, views.IngestRotateFinish(p, v))
}
