package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/errgroup"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// Key rotation. IVS has no key reset, so a rotation is: create a copy of
// the configuration (new keys), move the encoders to it, delete the old one.

// ingestRotateStart explains the rotation and offers to create the copy.
func (h *handler) ingestRotateStart(c echo.Context) error {
	old, err := h.ingestLoad(c, "id")
	if err != nil {
		return err
	}
	v := views.IngestRotateView{Old: old, NewName: form.RotatedName(old.Name, old.ID), Token: form.NewToken()}
	return h.renderIngestRotate(c, http.StatusOK, v)
}

// ingestRotateCreate creates the replacement, once per form token.
func (h *handler) ingestRotateCreate(c echo.Context) error {
	old, err := h.ingestLoad(c, "id")
	if err != nil {
		return err
	}
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	token := vals.Get(form.FieldToken)
	v := views.IngestRotateView{Old: old, NewName: form.RotatedName(old.Name, old.ID), Token: token}
	if !form.ValidToken(token) {
		v.Token = form.NewToken()
		v.Message = "This form is missing its one-time token (it protects against creating two copies). Nothing was created: press the button again."
		return h.renderIngestRotate(c, http.StatusUnprocessableEntity, v)
	}
	in := ivs.CreateIngestInput{
		Name: v.NewName, StageARN: old.StageARN, UserID: old.UserID, Attributes: old.Attributes,
		Protocol: old.Protocol, InsecureIngest: old.Protocol == ivs.ProtocolRTMP, RedundantIngest: old.RedundantIngest,
		Tags: form.RotatedTags(old.Tags), IdempotencyKey: token,
	}
	created, err := h.IVS.CreateIngestConfiguration(c.Request().Context(), regionOf(c), in)
	if err != nil {
		auditErr := h.audit(c, ActionRotate, old.ARN, err, "step 1: create the replacement "+v.NewName)
		status, _, msg, ok := ingestUpstreamMessage(err, "the copy")
		if !ok {
			return err
		}
		if auditErr != nil {
			msg += ingestAuditNote
		}
		v.Message = msg
		return h.renderIngestRotate(c, status, v)
	}
	if err := h.audit(c, ActionRotate, old.ARN, nil, "step 1: created the replacement "+created.ARN); err != nil {
		return auditUnavailable(true)
	}
	newID := created.ID
	if newID == "" {
		newID = ivs.IDFromARN(created.ARN)
	}
	addFlash(c, flashOK, "Created "+ingestDisplayName(created)+" with new keys. Move the encoder"+ingestPluralS(created.RedundantIngest)+" to it, then delete the old configuration.")
	return redirect(c, ingestURL(c, old.ID, "/rotate/"+newID))
}

// ingestRotatePair reads the old configuration and its replacement.
func (h *handler) ingestRotatePair(c echo.Context) (old, repl ivs.IngestConfiguration, err error) {
	if c.Param("id") == c.Param("newId") {
		return old, repl, badRequest("A configuration cannot replace itself.")
	}
	g := errgroup.Group{}
	g.Go(func() (err error) { old, err = h.ingestLoad(c, "id"); return err })
	g.Go(func() (err error) { repl, err = h.ingestLoad(c, "newId"); return err })
	err = g.Wait()
	return old, repl, err
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
	detail := fmt.Sprintf("step 3: delete the old configuration, replaced by %s (force=%t)", repl.ARN, f.Force)
	status, msg, err := h.deleteAudited(c, &old, f.Force, ActionRotate, detail, "IVS refused to delete the old configuration because it is ACTIVE: an encoder still publishes with the old key. Nothing was deleted. Move it to the new key first, or tick “Force”.")
	if err != nil {
		return err
	}
	if status != 0 {
		return h.renderIngestRotateFinish(c, status, views.IngestRotateFinishView{Old: old, New: repl, Force: f.Force, Message: msg})
	}
	addFlash(c, flashOK, "Rotation finished: "+ingestDisplayName(old)+" is deleted and its keys no longer work; "+ingestDisplayName(repl)+" replaces it.")
	return redirect(c, ingestURL(c, repl.ID, ""))
}

func ingestPluralS(b bool) string {
	if b {
		return "s"
	}
	return ""
}

func (h *handler) renderIngestRotate(c echo.Context, status int, v views.IngestRotateView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	p := h.page(c, "Rotate keys of "+ingestTitle(v.Old), "ingest", ingestSection)
	return render(c, status, views.IngestRotate(p, v))
}

func (h *handler) renderIngestRotateFinish(c echo.Context, status int, v views.IngestRotateFinishView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	p := h.page(c, "Finish rotating "+ingestTitle(v.Old), "ingest", ingestSection)
	return render(c, status, views.IngestRotateFinish(p, v))
}
