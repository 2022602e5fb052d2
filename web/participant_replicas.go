package web

import (
	"context"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/views"
)

// replicaStart replicates the participant into another stage of the region
// (audited), then goes back to its page with what happened.
func (h *handler) replicaStart(c echo.Context) error {
	return h.replicaCommand(c, h.console.StartReplication, "Replicating into stage ")
}

// replicaStop stops the participant's replica in a stage (audited).
func (h *handler) replicaStop(c echo.Context) error {
	return h.replicaCommand(c, h.console.StopReplication, "Stopped the replica in stage ")
}

func (h *handler) replicaCommand(c echo.Context, do func(ctx context.Context, a console.Actor, ref console.Ref, dst string) error, done string) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	dst := c.FormValue("destination")
	if !ivs.ValidID(dst) || dst == ref.StageID {
		return badRequest("“destination” must be the id of another stage of " + string(ref.Region) + ".")
	}
	back := views.ParticipantURL(string(ref.Region), ref.StageID, ref.SessionID, ref.ParticipantID)
	if err := do(c.Request().Context(), actorOf(c), ref, dst); err != nil {
		_, _, msg, ok := formProblem(err, "the replication did not change")
		if !ok {
			return err
		}
		addFlash(c, flashWarn, msg)
		return redirect(c, back)
	}
	addFlash(c, flashOK, done+dst+".")
	return redirect(c, back)
}
