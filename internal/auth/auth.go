package auth

import (
	"fmt"
	"io"
	"net/http"
)

// Authenticator establishes the identity behind a request.
//
// Authenticate returns an error wrapping ErrNoIdentity or
// ErrInvalidAssertion when there is no believable identity; handlers answer
// 401 in both cases. A returned Identity may hold no role: handlers answer
// 403 unless Identity.Has grants what the route needs. Implementations are
// safe for concurrent use.
type Authenticator interface {
	Authenticate(r *http.Request) (Identity, error)
}

// New validates cfg and builds the Authenticator for its mode. In jwt mode
// with a JWKS URL it starts fetching keys in the background; a JWKS
// endpoint that is down at start is not fatal (requests fail with
// ErrInvalidAssertion until keys arrive). Call Close when done.
func New(cfg Config) (Authenticator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	g := grantor{roles: cfg.RoleMap, defaultRole: cfg.DefaultRole}
	switch cfg.Mode {
	case ModeDev:
		return devAuthenticator{}, nil
	case ModeProxy:
		return &proxyAuthenticator{cfg: cfg.Proxy, trusted: cfg.TrustedNetworks, grant: g}, nil
	case ModeJWT:
		return newJWTAuthenticator(cfg, g)
	}
	return nil, fmt.Errorf("auth mode %q: want dev, proxy or jwt", cfg.Mode)
}

// Close releases what a (New-made) Authenticator holds, such as the JWKS
// refresh goroutine. It is a no-op for modes that hold nothing.
func Close(a Authenticator) error {
	if c, ok := a.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// grantor turns groups into roles.
type grantor struct {
	roles       RoleMap
	defaultRole Role
}

func (g grantor) rolesFor(groups []string) []Role {
	roles := g.roles.Roles(groups)
	if g.defaultRole != "" {
		roles = normaliseRoles(append(roles, g.defaultRole))
	}
	return roles
}
