package ivs

import (
	"errors"
	"fmt"
)

// Kind classifies an upstream failure so that handlers and the error handler
// can answer with the right status and words without knowing the SDK.
type Kind int

const (
	KindUnknown      Kind = iota
	KindNotFound          // 404: the resource does not exist
	KindConflict          // 409: e.g. updating an ACTIVE ingest configuration
	KindValidation        // 400/422: the API refused the input
	KindAccessDenied      // 403: credentials lack a permission
	KindThrottled         // 429: the account's call rate was exceeded
	KindUnavailable       // 5xx, timeouts, connection failures
	KindQuota             // 402: a service quota was reached
)

// Error is a domain error. Message is safe to show to a user: it never holds
// a stream key.
type Error struct {
	Kind      Kind
	Op        string // API operation, e.g. "GetStage"
	Message   string
	Field     string // the input field a validation error is about, when known
	RequestID string
	Err       error
}

func (e *Error) Error() string {
	if e.Op != "" {
		return fmt.Sprintf("%s: %s", e.Op, e.Message)
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// KindOf returns the kind of err, KindUnknown if it is not a domain error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnknown
}

// IsNotFound reports whether err means the resource does not exist.
func IsNotFound(err error) bool { return KindOf(err) == KindNotFound }

// String names the kind in words a person reads.
func (k Kind) String() string {
	switch k {
	case KindNotFound:
		return "not found"
	case KindConflict:
		return "conflict"
	case KindValidation:
		return "invalid request"
	case KindAccessDenied:
		return "access denied"
	case KindThrottled:
		return "rate limited"
	case KindUnavailable:
		return "IVS unavailable"
	case KindQuota:
		return "quota exceeded"
	}
	return "error"
}
