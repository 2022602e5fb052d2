package web

import (
	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
)

// Length limits of the API's identifiers (the service model).
const (
	sessionIDLength      = 16
	maxParticipantIDSize = 64
)

// browseTarget is what a browse URL addresses: a stage, and maybe one of its
// sessions and one participant of it, validated before any upstream call.
type browseTarget struct {
	Region        ivs.Region
	StageID       string
	StageARN      string
	SessionID     string
	ParticipantID string
}

func (t browseTarget) stagePath() string {
	return views.RegionURL(string(t.Region), "/stages/"+t.StageID)
}
func (t browseTarget) sessionPath() string {
	return t.stagePath() + "/sessions/" + t.SessionID
}
func (t browseTarget) participantPath() string {
	return t.sessionPath() + "/participants/" + t.ParticipantID
}

// parseTarget reads :stageId and, when the route has them, :sessionId and
// :participantId. A malformed id is a 400 naming it; nothing goes upstream.
func (h *handler) parseTarget(c echo.Context) (browseTarget, error) {
	t := browseTarget{Region: regionOf(c), StageID: c.Param("stageId")}
	if !ivs.ValidID(t.StageID) {
		return t, badRequest("“" + clipParam(t.StageID) + "” is not a stage id: ids are letters, digits and dashes.")
	}
	for _, name := range c.ParamNames() {
		switch name {
		case "sessionId":
			t.SessionID = c.Param(name)
			if len(t.SessionID) != sessionIDLength || !ivs.ValidSessionID(t.SessionID) {
				return t, badRequest("“" + clipParam(t.SessionID) + "” is not a session id: session ids are “st-” and 13 letters or digits.")
			}
		case "participantId":
			t.ParticipantID = c.Param(name)
			if len(t.ParticipantID) > maxParticipantIDSize || !ivs.ValidID(t.ParticipantID) {
				return t, badRequest("“" + clipParam(t.ParticipantID) + "” is not a participant id: ids are up to 64 letters, digits and dashes.")
			}
		}
	}
	arn, err := h.stageARN(c, t.StageID)
	if err != nil {
		return t, err
	}
	t.StageARN = arn
	return t, nil
}

// stageMissing is the 404 of an unknown stage, with the way back to the list.
func stageMissing(t browseTarget) error {
	return notFound("There is no stage “"+t.StageID+"” in "+string(t.Region)+". It may have been deleted, or the link names another region.",
		views.RegionURL(string(t.Region), "/stages"), "Back to the stages of "+string(t.Region))
}

// sessionMissing is the 404 of an unknown session of a known stage.
func sessionMissing(t browseTarget) error {
	return notFound("Stage “"+t.StageID+"” has no session “"+t.SessionID+"”. IVS keeps a stage's sessions for a limited time; the link may be old or mistyped.",
		t.stagePath(), "Back to the stage")
}

// participantMissing is the 404 of an unknown participant of a session.
func participantMissing(t browseTarget) error {
	return notFound("Session “"+t.SessionID+"” of stage “"+t.StageID+"” has no participant “"+t.ParticipantID+"”.",
		t.sessionPath(), "Back to the session")
}

func clipParam(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}
