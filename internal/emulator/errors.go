package emulator

import (
	"fmt"
	"net/http"
)

// Error type names, as the SDK matches them against X-Amzn-ErrorType.
const (
	errValidation    = "ValidationException"
	errAccessDenied  = "AccessDeniedException"
	errNotFound      = "ResourceNotFoundException"
	errConflict      = "ConflictException"
	errQuota         = "ServiceQuotaExceededException"
	errInternal      = "InternalServerException"
	errThrottling    = "ThrottlingException"
	errPendingVerify = "PendingVerification"
	errUnknownOp     = "UnknownOperationException"
)

// errorStatus is the HTTP status of each error type, from the service model
// (ThrottlingException is not in the model; 429 is what IVS answers).
var errorStatus = map[string]int{
	errValidation:    http.StatusBadRequest,
	errAccessDenied:  http.StatusForbidden,
	errPendingVerify: http.StatusForbidden,
	errNotFound:      http.StatusNotFound,
	errConflict:      http.StatusConflict,
	errQuota:         http.StatusPaymentRequired,
	errInternal:      http.StatusInternalServerError,
	errThrottling:    http.StatusTooManyRequests,
	errUnknownOp:     http.StatusNotFound,
}

// apiError is an error the API answers with.
type apiError struct {
	Type    string
	Message string
}

func (e *apiError) Error() string { return e.Type + ": " + e.Message }

func (e *apiError) status() int {
	if s, ok := errorStatus[e.Type]; ok {
		return s
	}
	return http.StatusBadRequest
}

func validationf(format string, a ...any) *apiError {
	return &apiError{errValidation, fmt.Sprintf(format, a...)}
}

func notFoundf(format string, a ...any) *apiError {
	return &apiError{errNotFound, fmt.Sprintf(format, a...)}
}

func conflictf(format string, a ...any) *apiError {
	return &apiError{errConflict, fmt.Sprintf(format, a...)}
}

func quotaf(format string, a ...any) *apiError {
	return &apiError{errQuota, fmt.Sprintf(format, a...)}
}
