package web

import (
	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

// Browse routes: stages, sessions and participants. Every view is a stable
// URL (filters and paging in the query string), documented in docs/urls.md:
//
//	GET  /r/{region}/stages/{stageId}[?next=]
//	GET  /r/{region}/stages/{stageId}/sessions/{sessionId}[?state=|published=true|userId=|recordingState=][&next=&shown=][&fragment=live|more]
//	GET  /r/{region}/stages/{stageId}/sessions/{sessionId}/participants.csv[?<one filter>]
//	GET  /r/{region}/stages/{stageId}/sessions/{sessionId}/participants/{participantId}
//	GET  /r/{region}/stages/{stageId}/sessions/{sessionId}/participants/{participantId}/disconnect   (operator: confirmation)
//	POST /r/{region}/stages/{stageId}/sessions/{sessionId}/participants/{participantId}/disconnect   (operator, CSRF, audited)
func init() {
	registerBrowseRoutes = func(r *echo.Group, h *handler) {
		r.GET("/stages/:stageId", h.stageShow)
		r.GET("/stages/:stageId/sessions/:sessionId", h.sessionShow)
		r.GET("/stages/:stageId/sessions/:sessionId/participants.csv", h.sessionExport)
		r.GET("/stages/:stageId/sessions/:sessionId/participants/:participantId", h.participantShow)
		r.GET("/stages/:stageId/sessions/:sessionId/participants/:participantId/disconnect", h.participantDisconnectConfirm, requireRole(auth.RoleOperator))
		r.POST("/stages/:stageId/sessions/:sessionId/participants/:participantId/disconnect", h.participantDisconnect, requireRole(auth.RoleOperator))
	}
}
