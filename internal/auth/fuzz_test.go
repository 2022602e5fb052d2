package auth_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/auth/authtest"
)

func FuzzProxyHeaders(f *testing.F) {
	f.Add("ann", "ann@example.com", "Ann", "ops, staff", ",")
	f.Add("", "", "", "", "|")
	f.Add("a\x00b", "\xff\xfe", "\r\n", "|||,,,", "|")
	f.Add(strings.Repeat("x", 600), "e", "n", strings.Repeat("g,", 1000), ",")
	f.Fuzz(func(t *testing.T, user, email, name, groups, sep string) {
		if strings.TrimSpace(sep) == "" {
			sep = ","
		}
		a, err := auth.New(auth.Config{Mode: auth.ModeProxy, TrustedNetworks: proxyNets, RoleMap: roleMap,
			Proxy: auth.ProxyConfig{GroupSeparator: sep}})
		if err != nil {
			t.Fatal(err)
		}
		r := newRequest(trustedPeer, nil)
		r.Header["X-Forwarded-User"] = []string{user}
		r.Header["X-Forwarded-Email"] = []string{email}
		r.Header["X-Forwarded-Preferred-Username"] = []string{name}
		r.Header["X-Forwarded-Groups"] = []string{groups}
		id, err := a.Authenticate(r)
		if err != nil {
			if !errors.Is(err, auth.ErrNoIdentity) && !errors.Is(err, auth.ErrInvalidAssertion) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if id.Subject == "" {
			t.Fatal("identity without subject")
		}
		for _, g := range id.Groups {
			if g == "" || g != strings.TrimSpace(g) || strings.Contains(g, sep) {
				t.Fatalf("group %q not split/trimmed", g)
			}
		}
		// Untrusted peers never get an identity, whatever the headers.
		r.RemoteAddr = untrustedPeer
		if _, err := a.Authenticate(r); !errors.Is(err, auth.ErrNoIdentity) {
			t.Fatalf("untrusted peer: %v", err)
		}
	})
}

func FuzzParseRoleMap(f *testing.F) {
	f.Add("greenroom-admins=admin,ops=operator,ops=keyholder,staff=viewer")
	f.Add("cn=a,dc=b=admin;x=viewer\n")
	f.Add("==;,\n=")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := auth.ParseRoleMap(s)
		if err != nil {
			return
		}
		for g, roles := range m {
			for _, r := range roles {
				if !r.Valid() {
					t.Fatalf("group %q got invalid role %q", g, r)
				}
			}
		}
		_ = m.Roles(strings.Split(s, ","))
	})
}

func FuzzJWTAssertion(f *testing.F) {
	iss := authtest.NewIssuer(f)
	alb := authtest.NewALB(f)
	f.Add(iss.Token("a@example.com", "ops"))
	f.Add(alb.Mint(f, nil, nil))
	f.Add("Bearer a.b.c")
	f.Add("eyJhbGciOiJub25lIn0=.e30=.")
	f.Add("....")
	jwtAuth, err := auth.New(iss.Config(roleMap))
	if err != nil {
		f.Fatal(err)
	}
	albAuth, err := auth.New(alb.Config(roleMap))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = auth.Close(jwtAuth); _ = auth.Close(albAuth) })
	f.Fuzz(func(t *testing.T, assertion string) {
		for _, a := range []auth.Authenticator{jwtAuth, albAuth} {
			r := newRequest(untrustedPeer, nil)
			r.Header[http.CanonicalHeaderKey(iss.Header)] = []string{assertion}
			r.Header["X-Amzn-Oidc-Data"] = []string{assertion}
			_, err := a.Authenticate(r)
			if err != nil && !errors.Is(err, auth.ErrNoIdentity) && !errors.Is(err, auth.ErrInvalidAssertion) {
				t.Fatalf("unexpected error kind: %v", err)
			}
		}
	})
}

func TestSplitGroups(t *testing.T) {
	tests := []struct {
		in, sep string
		want    []string
	}{
		{"a, b ,,c", ",", []string{"a", "b", "c"}},
		{"a|b c|", "|", []string{"a", "b c"}},
		{"", ",", nil},
		{" , ", ",", nil},
	}
	for _, tt := range tests {
		if got := auth.SplitGroups(tt.in, tt.sep); strings.Join(got, "\x00") != strings.Join(tt.want, "\x00") {
			t.Errorf("SplitGroups(%q, %q) = %q, want %q", tt.in, tt.sep, got, tt.want)
		}
	}
	if n := len(auth.SplitGroups(strings.Repeat("g,", 5000), ",")); n != 512 {
		t.Errorf("groups not capped: %d", n)
	}
}
