package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// Encoder configurations: list, show (with the compositions that use it),
// create and delete (operators; IVS refuses one in use, and says by what).

const encoderSection = "/encoder-configurations"

func (h *handler) encoderList(c echo.Context) error {
	next, err := nextParam(c)
	if err != nil {
		return err
	}
	page, err := h.console.EncoderList(c.Request().Context(), regionOf(c), next)
	if err != nil {
		return err
	}
	p := h.page(c, "Encoder configurations", "encoders", encoderSection)
	return render(c, http.StatusOK, views.EncoderList(p, views.EncoderListView{Items: page.Items, OutputListView: views.OutputListView{Next: page.NextToken}}))
}

func (h *handler) encoderShow(c echo.Context) error {
	id, err := idParam(c, "id", "an encoder configuration")
	if err != nil {
		return err
	}
	d, err := h.console.EncoderDetail(c.Request().Context(), regionOf(c), id)
	if err != nil {
		return err
	}
	v := views.EncoderView{Config: d.Config, UsedBy: d.UsedBy}
	if d.UsedErr != nil {
		v.UsedErr = safeErrorText(d.UsedErr)
	}
	p := h.page(c, d.Config.DisplayName(), "encoders", encoderSection)
	return render(c, http.StatusOK, views.EncoderShow(p, v))
}

func (h *handler) encoderNew(c echo.Context) error {
	return h.renderEncoderCreate(c, http.StatusOK, views.EncoderFormView{})
}

func (h *handler) encoderCreate(c echo.Context) error {
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := form.ParseEncoderForm(vals)
	v := views.EncoderFormView{Name: f.Name, Width: f.Width, Height: f.Height, Framerate: f.Framerate, Bitrate: f.Bitrate}
	if errs := f.Validate(); errs.Any() {
		v.Errors = errs
		return h.renderEncoderCreate(c, http.StatusUnprocessableEntity, v)
	}
	w, hh, fr, br := f.Values()
	e, err := h.console.CreateEncoder(c.Request().Context(), actorOf(c), regionOf(c), ivs.CreateEncoderInput{Name: f.Name, Width: w, Height: hh, Framerate: fr, Bitrate: br})
	if err != nil {
		status, field, msg, ok := formProblem(err, "the encoder configuration was not created")
		if !ok {
			return err
		}
		v.Errors = form.Errors{field: msg}
		return h.renderEncoderCreate(c, status, v)
	}
	addFlash(c, flashOK, "Created the encoder configuration "+e.DisplayName()+".")
	return redirect(c, views.EncoderURL(string(regionOf(c)), e.ID, ""))
}

func (h *handler) renderEncoderCreate(c echo.Context, status int, v views.EncoderFormView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	return render(c, status, views.EncoderCreate(h.page(c, "New encoder configuration", "encoders", encoderSection), v))
}

func (h *handler) encoderDeleteConfirm(c echo.Context) error {
	e, err := h.encoderParam(c)
	if err != nil {
		return err
	}
	return h.renderOutputDelete(c, http.StatusOK, encoderDeleteView(c, e, ""))
}

func (h *handler) encoderDelete(c echo.Context) error {
	e, err := h.encoderParam(c)
	if err != nil {
		return err
	}
	if err := h.console.DeleteEncoder(c.Request().Context(), actorOf(c), regionOf(c), e); err != nil {
		status, _, msg, ok := formProblem(err, "the deletion")
		if !ok {
			return err
		}
		return h.renderOutputDelete(c, status, encoderDeleteView(c, e, msg))
	}
	addFlash(c, flashOK, "Deleted the encoder configuration "+e.DisplayName()+".")
	return redirect(c, views.EncoderListURL(string(regionOf(c))))
}

func (h *handler) encoderParam(c echo.Context) (ivs.EncoderConfiguration, error) {
	id, err := idParam(c, "id", "an encoder configuration")
	if err != nil {
		return ivs.EncoderConfiguration{}, err
	}
	return h.console.Encoder(c.Request().Context(), regionOf(c), id)
}

func encoderDeleteView(c echo.Context, e ivs.EncoderConfiguration, msg string) views.OutputDeleteView {
	region := string(regionOf(c))
	return views.OutputDeleteView{Kind: "encoder configuration", Name: e.DisplayName(), ID: e.ID, Back: views.EncoderURL(region, e.ID, ""),
		Action: views.EncoderURL(region, e.ID, "/delete"), List: views.EncoderListURL(region), ListFor: "Encoder configurations",
		Effect: "IVS refuses while a composition that has not stopped uses it.", Message: msg}
}

// renderOutputDelete renders the delete confirmation of an encoder or
// storage configuration or a public key.
func (h *handler) renderOutputDelete(c echo.Context, status int, v views.OutputDeleteView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	nav := map[string]string{"encoder configuration": "encoders", "storage configuration": "storage", "public key": "keys"}[v.Kind]
	return render(c, status, views.OutputDelete(h.page(c, "Delete "+v.Name, nav, v.List[len("/r/"+string(regionOf(c))):]), v))
}
