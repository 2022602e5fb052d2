package auth_test

import (
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

func TestProxyMode(t *testing.T) {
	oauth2 := map[string]string{
		"X-Forwarded-User": "ann", "X-Forwarded-Email": "ann@example.com",
		"X-Forwarded-Preferred-Username": "Ann", "X-Forwarded-Groups": " ops , staff,,",
	}
	tests := []struct {
		name    string
		proxy   auth.ProxyConfig
		def     auth.Role
		peer    string
		headers map[string]string
		want    want
	}{
		{name: "no headers", peer: trustedPeer, want: want{err: auth.ErrNoIdentity}},
		{name: "untrusted peer", peer: untrustedPeer, headers: oauth2, want: want{err: auth.ErrNoIdentity}},
		{name: "untrusted peer with X-Forwarded-For from trusted net", peer: untrustedPeer,
			headers: merged(oauth2, map[string]string{"X-Forwarded-For": "10.0.0.5", "X-Real-Ip": "10.0.0.5"}),
			want:    want{err: auth.ErrNoIdentity}},
		{name: "unparsable peer", peer: "@unix", headers: oauth2, want: want{err: auth.ErrNoIdentity}},
		{name: "trusted oauth2-proxy", peer: trustedPeer, headers: oauth2, want: want{
			subject: "ann", email: "ann@example.com", name: "Ann", groups: []string{"ops", "staff"},
			roles: []auth.Role{auth.RoleKeyholder, auth.RoleOperator, auth.RoleViewer}}},
		{name: "trusted IPv6 and mapped IPv4", peer: "[::ffff:10.0.0.7]:1", headers: oauth2, want: want{
			subject: "ann", email: "ann@example.com", name: "Ann", groups: []string{"ops", "staff"},
			roles: []auth.Role{auth.RoleKeyholder, auth.RoleOperator, auth.RoleViewer}}},
		{name: "email only", peer: "[fd00::1]:443", headers: map[string]string{"X-Forwarded-Email": "bob@example.com"},
			want: want{subject: "bob@example.com", email: "bob@example.com", roles: []auth.Role{}}},
		{name: "default role", def: auth.RoleViewer, peer: trustedPeer, headers: map[string]string{"X-Forwarded-Email": "bob@example.com"},
			want: want{subject: "bob@example.com", email: "bob@example.com", roles: []auth.Role{auth.RoleViewer}}},
		{name: "oauth2-proxy preset ignores Remote-*", peer: trustedPeer,
			headers: map[string]string{"X-Forwarded-Email": "eve@example.com", "Remote-Groups": "greenroom-admins", "Remote-User": "admin"},
			want:    want{subject: "eve@example.com", email: "eve@example.com", roles: []auth.Role{}}},
		{name: "authelia", proxy: auth.ProxyConfig{Preset: "authelia"}, peer: trustedPeer,
			headers: map[string]string{"Remote-User": "carl", "Remote-Email": "carl@example.com", "Remote-Name": "Carl C",
				"Remote-Groups": "greenroom-admins,dev", "X-Forwarded-User": "mallory"},
			want: want{subject: "carl", email: "carl@example.com", name: "Carl C", groups: []string{"greenroom-admins", "dev"},
				roles: []auth.Role{auth.RoleAdmin}}},
		{name: "authentik pipe", proxy: auth.ProxyConfig{Preset: "authentik"}, peer: trustedPeer,
			headers: map[string]string{"X-Authentik-Username": "dee", "X-Authentik-Groups": "staff| ops |"},
			want: want{subject: "dee", groups: []string{"staff", "ops"},
				roles: []auth.Role{auth.RoleKeyholder, auth.RoleOperator, auth.RoleViewer}}},
		{name: "Remote-* with pipe separator", proxy: auth.ProxyConfig{Preset: "authelia", GroupSeparator: "|"}, peer: trustedPeer,
			headers: map[string]string{"Remote-User": "eli", "Remote-Groups": "a,b|staff"},
			want:    want{subject: "eli", groups: []string{"a,b", "staff"}, roles: []auth.Role{auth.RoleViewer}}},
		{name: "custom headers", proxy: auth.ProxyConfig{UserHeader: "X-User", GroupsHeader: "X-Roles", GroupSeparator: ";"}, peer: trustedPeer,
			headers: map[string]string{"X-User": "fay", "X-Roles": "staff;x", "X-Forwarded-User": "mallory"},
			want:    want{subject: "fay", groups: []string{"staff", "x"}, roles: []auth.Role{auth.RoleViewer}}},
		{name: "control characters", peer: trustedPeer, headers: map[string]string{"X-Forwarded-User": "ann\x00admin"},
			want: want{err: auth.ErrInvalidAssertion}},
		{name: "oversize user", peer: trustedPeer, headers: map[string]string{"X-Forwarded-User": string(make([]byte, 600))},
			want: want{err: auth.ErrInvalidAssertion}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mustNew(t, auth.Config{Mode: auth.ModeProxy, TrustedNetworks: proxyNets, RoleMap: roleMap,
				DefaultRole: tt.def, Proxy: tt.proxy})
			check(t, a, newRequest(tt.peer, tt.headers), tt.want)
		})
	}
}

func TestProxyRepeatedHeaderRefused(t *testing.T) {
	a := mustNew(t, auth.Config{Mode: auth.ModeProxy, TrustedNetworks: proxyNets, RoleMap: roleMap})
	r := newRequest(trustedPeer, map[string]string{"X-Forwarded-User": "ann"})
	// The client sent its own header and the proxy appended, not replaced.
	r.Header.Add("X-Forwarded-Groups", "greenroom-admins")
	r.Header.Add("X-Forwarded-Groups", "staff")
	check(t, a, r, want{err: auth.ErrInvalidAssertion})

	r = newRequest(trustedPeer, nil)
	r.Header.Add("X-Forwarded-Email", "admin@example.com")
	r.Header.Add("X-Forwarded-Email", "ann@example.com")
	check(t, a, r, want{err: auth.ErrInvalidAssertion})
}

func merged(a, b map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
