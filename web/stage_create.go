package web

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
	"github.com/greenroom-dev/greenroom/web/form"
)

// stageNew shows the create form with a fresh idempotency token.
func (h *handler) stageNew(c echo.Context) error {
	return h.renderStageCreate(c, http.StatusOK, stageFormView(form.NewStageForm(), nil))
}

// stageCreate validates the form, creates the stage once per idempotency
// token (audited) and goes to its page.
func (h *handler) stageCreate(c echo.Context) error {
	vals, err := c.FormParams()
	if err != nil {
		return badRequest("The form could not be read.")
	}
	f := form.ParseStageForm(vals)
	region := regionOf(c)
	if errs := f.Validate(region, true); errs.Any() {
		if !form.ValidToken(f.Token) {
			f.Token = form.NewToken() // a damaged token would block every retry
		}
		return h.renderStageCreate(c, http.StatusUnprocessableEntity, stageFormView(f, errs))
	}
	st, err := h.console.CreateStage(c.Request().Context(), actorOf(c), region, f.CreateInput())
	if err != nil {
		status, field, msg, ok := stageFormProblem(err, "the stage was not created")
		if !ok {
			return err
		}
		return h.renderStageCreate(c, status, stageFormView(f, form.Errors{field: msg}))
	}
	msg := "Created the stage " + quotedStage(st) + "."
	if st.Recording != nil {
		msg += " Each participant who publishes is recorded."
	}
	addFlash(c, flashOK, msg)
	return redirect(c, views.StageURL(string(region), st.ID))
}

// stageFormProblem is formProblem with IVS's field names mapped to the
// stage form's (the recording's fields are named in the message only).
func stageFormProblem(err error, what string) (status int, field, msg string, ok bool) {
	status, field, msg, ok = formProblem(err, what)
	var de *ivs.Error
	if ok && errors.As(err, &de) && de.Kind == ivs.KindValidation {
		if f := form.StageAPIField(de.Field, de.Message); f != "" {
			field = f
		}
	}
	return status, field, msg, ok
}

// quotedStage is a stage's name in quotes, or its id, for sentences.
func quotedStage(st ivs.Stage) string {
	if st.Name != "" {
		return "“" + st.Name + "”"
	}
	return st.DisplayName()
}

func stageFormView(f form.StageForm, errs form.Errors) views.StageFormView {
	return views.StageFormView{Name: f.Name, Tags: ingestKVs(f.Tags), StorageARN: f.StorageARN, MediaType: f.MediaType, Token: f.Token, Errors: errs}
}

func (h *handler) renderStageCreate(c echo.Context, status int, v views.StageFormView) error {
	if status != http.StatusOK {
		noPushOnRerender(c)
	}
	return render(c, status, views.StageCreate(h.page(c, "New stage", "stages", "/stages"), v))
}
