package web

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/web/form"
)

// parseRef reads :stageId and, when the route has them, :sessionId and
// :participantId. A malformed id is a 400 naming it; nothing goes upstream.
func parseRef(c echo.Context) (console.Ref, error) {
	r := console.Ref{Region: regionOf(c), StageID: c.Param("stageId")}
	if !ivs.ValidID(r.StageID) {
		return r, badRequest("“" + clipParam(r.StageID) + "” is not a stage id: ids are letters, digits and dashes.")
	}
	for _, name := range c.ParamNames() {
		switch name {
		case "sessionId":
			r.SessionID = c.Param(name)
			if len(r.SessionID) != ivs.SessionIDLen || !ivs.ValidSessionID(r.SessionID) {
				return r, badRequest("“" + clipParam(r.SessionID) + "” is not a session id: session ids are “st-” and 13 letters or digits.")
			}
		case "participantId":
			r.ParticipantID = c.Param(name)
			if len(r.ParticipantID) > ivs.MaxParticipantID || !ivs.ValidID(r.ParticipantID) {
				return r, badRequest("“" + clipParam(r.ParticipantID) + "” is not a participant id: ids are up to 64 letters, digits and dashes.")
			}
		}
	}
	return r, nil
}

// ingestIDParam reads an ingest configuration id from the path.
func ingestIDParam(c echo.Context, name string) (string, error) {
	id := c.Param(name)
	if !ivs.ValidID(id) {
		return "", badRequest("“" + clipParam(id) + "” is not an ingest configuration id: ids are letters, digits and dashes.")
	}
	return id, nil
}

// nextParam reads ?next=, an opaque page token from IVS, checked for shape
// only (IVS rejects a forged one).
func nextParam(c echo.Context) (string, error) {
	t, err := form.ParseNextToken(c.QueryParam("next"))
	if err != nil {
		return "", badRequest(err.Error())
	}
	return t, nil
}

// shownParam reads ?shown=, how many rows the pages before this one held.
func shownParam(c echo.Context) (int, error) {
	s := c.QueryParam("shown")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 10_000_000 {
		return 0, badRequest("“shown” must be a count of rows (a whole number).")
	}
	return n, nil
}

func clipParam(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
