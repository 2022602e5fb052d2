package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/views"
)

// participantShow is the participant page: the participant and its whole
// event timeline.
func (h *handler) participantShow(c echo.Context) error {
	ref, err := parseRef(c)
	if err != nil {
		return err
	}
	pp, err := h.console.ParticipantPage(c.Request().Context(), ref)
	if err != nil {
		return err
	}
	v := views.ParticipantView{StageID: ref.StageID, StageName: pp.Stage.Name, SessionID: ref.SessionID, Participant: pp.Participant, Events: pp.Events,
		EventsTruncated: pp.EventsTruncated, Now: h.Now()}
	if pp.Source != nil {
		v.SourceRegion, v.SourceStageID = string(pp.Source.Region), pp.Source.StageID
	}
	if pp.Config != nil {
		v.Config = views.ConfigRef{ID: pp.Config.ID, Name: pp.Config.Name, Protocol: pp.Config.Protocol}
	}
	if pp.Stage.Recording != nil {
		v.StorageConfigurationARN = pp.Stage.Recording.StorageConfigurationARN
	}
	if pp.Participant.ReplicationType != "REPLICA" {
		h.replicasInto(c, ref, &v)
	}
	title := "Participant " + ref.ParticipantID
	if pp.Stage.Name != "" {
		title += " · " + pp.Stage.Name
	}
	p := h.page(c, title, "stages", "/stages")
	return render(c, http.StatusOK, views.ParticipantShow(p, v))
}

// replicasInto adds the participant's replicas, and the stages it can be
// replicated into, to its page (an error is shown in their section).
func (h *handler) replicasInto(c echo.Context, ref console.Ref, v *views.ParticipantView) {
	rs, err := h.console.Replicas(c.Request().Context(), ref)
	if err != nil {
		v.ReplicasErr = safeErrorText(err)
		return
	}
	v.Replicas = rs.Items
	for _, st := range rs.Stages {
		if st.ID != ref.StageID {
			v.ReplicaStages = append(v.ReplicaStages, views.IngestStageOption{ID: st.ID, Name: st.Name})
		}
	}
}
