package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// Public keys: list and show (viewers), import and delete (admins: a key
// lets its holder sign participant tokens for every stage of the region,
// outside the console and its audit log). The import checks the PEM before
// anything is sent.

const publicKeySection = "/public-keys"

func (h *handler) publicKeyList(c echo.Context) error {
	next, err := nextParam(c)
	if err != nil {
		return err
	}
	page, err := h.console.PublicKeyList(c.Request().Context(), regionOf(c), next)
	if err != nil {
		return err
	}
	p := h.page(c, "Public keys", "keys", publicKeySection)
	return render(c, http.StatusOK, views.PublicKeyList(p, views.PublicKeyListView{Items: page.Items, OutputListView: views.OutputListView{Next: page.NextToken}}))
}

func (h *handler) publicKeyShow(c echo.Context) error {
	k, err := h.publicKeyParam(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.PublicKeyShow(h.page(c, k.DisplayName(), "keys", publicKeySection), k))
}

func (h *handler) publicKeyNew(c echo.Context) error {
	return h.renderPublicKeyImport(c, http.StatusOK, views.PublicKeyFormView{})
}

func (h *handler) publicKeyImport(c echo.Context) error {
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := form.ParsePublicKeyForm(vals)
	v := views.PublicKeyFormView{Name: f.Name, PEM: f.PEM}
	if errs := f.Validate(); errs.Any() {
		v.Errors = errs
		if _, bad := errs[form.FieldPEM]; bad {
			v.PEM = "" // never echo what may be a private key pasted by mistake
		}
		return h.renderPublicKeyImport(c, http.StatusUnprocessableEntity, v)
	}
	k, err := h.console.ImportPublicKey(c.Request().Context(), actorOf(c), regionOf(c), ivs.ImportPublicKeyInput{Name: f.Name, PEM: f.PEM})
	if err != nil {
		status, field, msg, ok := formProblem(err, "the key was not imported")
		if !ok {
			return err
		}
		if field == "publicKeyMaterial" || ivs.KindOf(err) == ivs.KindConflict {
			field = form.FieldPEM
		}
		v.Errors = form.Errors{field: msg}
		return h.renderPublicKeyImport(c, status, v)
	}
	addFlash(c, flashOK, "Imported the public key "+k.DisplayName()+": tokens signed with its private key are accepted now.")
	return redirect(c, views.PublicKeyURL(string(regionOf(c)), k.ID, ""))
}

func (h *handler) renderPublicKeyImport(c echo.Context, status int, v views.PublicKeyFormView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	return render(c, status, views.PublicKeyImport(h.page(c, "Import public key", "keys", publicKeySection), v))
}

func (h *handler) publicKeyDeleteConfirm(c echo.Context) error {
	k, err := h.publicKeyParam(c)
	if err != nil {
		return err
	}
	return h.renderOutputDelete(c, http.StatusOK, publicKeyDeleteView(c, k, ""))
}

func (h *handler) publicKeyDelete(c echo.Context) error {
	k, err := h.publicKeyParam(c)
	if err != nil {
		return err
	}
	if err := h.console.DeletePublicKey(c.Request().Context(), actorOf(c), regionOf(c), k); err != nil {
		status, _, msg, ok := formProblem(err, "the deletion")
		if !ok {
			return err
		}
		return h.renderOutputDelete(c, status, publicKeyDeleteView(c, k, msg))
	}
	addFlash(c, flashOK, "Deleted the public key "+k.DisplayName()+": tokens signed with its private key are refused from now on.")
	return redirect(c, views.PublicKeyListURL(string(regionOf(c))))
}

func (h *handler) publicKeyParam(c echo.Context) (ivs.PublicKey, error) {
	id, err := idParam(c, "id", "a public key")
	if err != nil {
		return ivs.PublicKey{}, err
	}
	return h.console.PublicKey(c.Request().Context(), regionOf(c), id)
}

func publicKeyDeleteView(c echo.Context, k ivs.PublicKey, msg string) views.OutputDeleteView {
	region := string(regionOf(c))
	return views.OutputDeleteView{Kind: "public key", Name: k.DisplayName(), ID: k.ID, Back: views.PublicKeyURL(region, k.ID, ""),
		Action: views.PublicKeyURL(region, k.ID, "/delete"), List: views.PublicKeyListURL(region), ListFor: "Public keys",
		Effect: "Participant tokens signed with its private key are refused from then on; participants already in a stage stay.", Message: msg}
}
