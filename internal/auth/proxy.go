package auth

import (
	"fmt"
	"net/http"
	"net/netip"
)

// proxyAuthenticator believes identity headers only from trusted peers.
type proxyAuthenticator struct {
	cfg     ProxyConfig
	trusted []netip.Prefix
	grant   grantor
}

func (a *proxyAuthenticator) Authenticate(r *http.Request) (Identity, error) {
	if !trusted(r, a.trusted) {
		// Anyone can send these headers; only the proxy's copy counts.
		return Identity{}, fmt.Errorf("%w: peer %q is not in the trusted proxy networks", ErrNoIdentity, r.RemoteAddr)
	}
	return a.fromHeaders(r.Header)
}

// fromHeaders reads the configured headers. It is separate from the peer
// check so it can be fuzzed on its own.
func (a *proxyAuthenticator) fromHeaders(h http.Header) (Identity, error) {
	user, err := single(h, a.cfg.UserHeader, maxValueLen)
	if err != nil {
		return Identity{}, err
	}
	email, err := single(h, a.cfg.EmailHeader, maxValueLen)
	if err != nil {
		return Identity{}, err
	}
	if user == "" && email == "" {
		return Identity{}, fmt.Errorf("%w: no %s or %s header", ErrNoIdentity, a.cfg.UserHeader, a.cfg.EmailHeader)
	}
	name, err := single(h, a.cfg.NameHeader, maxValueLen)
	if err != nil {
		return Identity{}, err
	}
	rawGroups, err := single(h, a.cfg.GroupsHeader, maxGroupsLen)
	if err != nil {
		return Identity{}, err
	}
	groups := SplitGroups(rawGroups, a.cfg.GroupSeparator)
	if user == "" {
		user = email
	}
	return Identity{
		Subject: user,
		Email:   email,
		Name:    name,
		Groups:  groups,
		Roles:   a.grant.rolesFor(groups),
	}, nil
}

// single reads a header that must appear at most once. A repeated identity
// header means a proxy appended its value to one the client sent instead of
// replacing it; which one is genuine cannot be told, so it is refused.
func single(h http.Header, name string, max int) (string, error) {
	vs := h.Values(name)
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
		return cleanValue(name, vs[0], max)
	}
	return "", fmt.Errorf("%w: %s header sent %d times", ErrInvalidAssertion, name, len(vs))
}
