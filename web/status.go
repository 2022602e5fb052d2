package web

import (
	"net/http"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// statusOf is the one table from a kind of upstream failure to the status
// the console answers with, for pages and forms alike. A refusal by IVS is
// 422 (the request was understood, its content refused); IVS's own faults
// are the console's gateway's: 502, 503 or 504.
func statusOf(k ivs.Kind) int {
	switch k {
	case ivs.KindNotFound:
		return http.StatusNotFound
	case ivs.KindConflict, ivs.KindQuota:
		return http.StatusConflict
	case ivs.KindValidation:
		return http.StatusUnprocessableEntity
	case ivs.KindThrottled, ivs.KindUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusBadGateway // access denied, and anything IVS should not have said
}
