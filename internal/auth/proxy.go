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
	user, err := cleanValue(a.cfg.UserHeader, h.Get(a.cfg.UserHeader), maxValueLen)
	if err != nil {
		return Identity{}, err
	}
	email, err := cleanValue(a.cfg.EmailHeader, h.Get(a.cfg.EmailHeader), maxValueLen)
	if err != nil {
		return Identity{}, err
	}
	if user == "" && email == "" {
		return Identity{}, fmt.Errorf("%w: no %s or %s header", ErrNoIdentity, a.cfg.UserHeader, a.cfg.EmailHeader)
	}
	name, err := cleanValue(a.cfg.NameHeader, h.Get(a.cfg.NameHeader), maxValueLen)
	if err != nil {
		return Identity{}, err
	}
	// Some proxies repeat the header instead of joining values.
	var groups []string
	total := 0
	for _, v := range h.Values(a.cfg.GroupsHeader) {
		if total += len(v); total > maxGroupsLen {
			return Identity{}, fmt.Errorf("%w: %s longer than %d bytes", ErrInvalidAssertion, a.cfg.GroupsHeader, maxGroupsLen)
		}
		v, err := cleanValue(a.cfg.GroupsHeader, v, maxGroupsLen)
		if err != nil {
			return Identity{}, err
		}
		groups = append(groups, SplitGroups(v, a.cfg.GroupSeparator)...)
	}
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
