package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// Storage configurations: list, show, create and delete (operators; IVS
// refuses one a composition or a stage's recording uses, and says by what).

const storageSection = "/storage-configurations"

func (h *handler) storageList(c echo.Context) error {
	next, err := nextParam(c)
	if err != nil {
		return err
	}
	page, err := h.console.StorageList(c.Request().Context(), regionOf(c), next)
	if err != nil {
		return err
	}
	p := h.page(c, "Storage configurations", "storage", storageSection)
	return render(c, http.StatusOK, views.StorageList(p, views.StorageListView{Items: page.Items, OutputListView: views.OutputListView{Next: page.NextToken}}))
}

func (h *handler) storageShow(c echo.Context) error {
	s, err := h.storageParam(c)
	if err != nil {
		return err
	}
	return render(c, http.StatusOK, views.StorageShow(h.page(c, s.DisplayName(), "storage", storageSection), s))
}

func (h *handler) storageNew(c echo.Context) error {
	return h.renderStorageCreate(c, http.StatusOK, views.StorageFormView{})
}

func (h *handler) storageCreate(c echo.Context) error {
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := form.ParseStorageForm(vals)
	v := views.StorageFormView{Name: f.Name, Bucket: f.Bucket}
	if errs := f.Validate(); errs.Any() {
		v.Errors = errs
		return h.renderStorageCreate(c, http.StatusUnprocessableEntity, v)
	}
	s, err := h.console.CreateStorage(c.Request().Context(), actorOf(c), regionOf(c), ivs.CreateStorageInput{Name: f.Name, S3Bucket: f.Bucket})
	if err != nil {
		status, field, msg, ok := formProblem(err, "the storage configuration was not created")
		if !ok {
			return err
		}
		if field == "bucketName" {
			field = form.FieldBucket
		}
		v.Errors = form.Errors{field: msg}
		return h.renderStorageCreate(c, status, v)
	}
	addFlash(c, flashOK, "Created the storage configuration "+s.DisplayName()+".")
	return redirect(c, views.StorageURL(string(regionOf(c)), s.ID, ""))
}

func (h *handler) renderStorageCreate(c echo.Context, status int, v views.StorageFormView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	return render(c, status, views.StorageCreate(h.page(c, "New storage configuration", "storage", storageSection), v))
}

func (h *handler) storageDeleteConfirm(c echo.Context) error {
	s, err := h.storageParam(c)
	if err != nil {
		return err
	}
	return h.renderOutputDelete(c, http.StatusOK, storageDeleteView(c, s, ""))
}

func (h *handler) storageDelete(c echo.Context) error {
	s, err := h.storageParam(c)
	if err != nil {
		return err
	}
	if err := h.console.DeleteStorage(c.Request().Context(), actorOf(c), regionOf(c), s); err != nil {
		status, _, msg, ok := formProblem(err, "the deletion")
		if !ok {
			return err
		}
		return h.renderOutputDelete(c, status, storageDeleteView(c, s, msg))
	}
	addFlash(c, flashOK, "Deleted the storage configuration "+s.DisplayName()+": the bucket and its recordings stay.")
	return redirect(c, views.StorageListURL(string(regionOf(c))))
}

func (h *handler) storageParam(c echo.Context) (ivs.StorageConfiguration, error) {
	id, err := idParam(c, "id", "a storage configuration")
	if err != nil {
		return ivs.StorageConfiguration{}, err
	}
	return h.console.Storage(c.Request().Context(), regionOf(c), id)
}

func storageDeleteView(c echo.Context, s ivs.StorageConfiguration, msg string) views.OutputDeleteView {
	region := string(regionOf(c))
	return views.OutputDeleteView{Kind: "storage configuration", Name: s.DisplayName(), ID: s.ID, Back: views.StorageURL(region, s.ID, ""),
		Action: views.StorageURL(region, s.ID, "/delete"), List: views.StorageListURL(region), ListFor: "Storage configurations",
		Effect: "The bucket and what was recorded in it stay. IVS refuses while a composition that has not stopped, or a stage's recording, uses it.", Message: msg}
}
