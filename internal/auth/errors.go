package auth

import "errors"

var (
	// ErrNoIdentity means the request carries no identity that may be
	// believed: no header, or headers from a peer outside the trusted
	// networks. Answer 401.
	ErrNoIdentity = errors.New("no identity")

	// ErrInvalidAssertion means the request carries an identity that failed
	// verification: bad signature, expired, not yet valid, wrong issuer,
	// audience or signer, or malformed identity headers. Answer 401 and log
	// the error, whose text names the reason (never the token itself).
	ErrInvalidAssertion = errors.New("invalid identity assertion")
)
