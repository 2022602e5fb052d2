package auth_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

const (
	trustedPeer   = "10.0.0.5:40000"
	untrustedPeer = "203.0.113.9:40000"
)

var (
	proxyNets = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("fd00::/64")}
	roleMap   = auth.RoleMap{
		"greenroom-admins": {auth.RoleAdmin},
		"ops":              {auth.RoleOperator, auth.RoleKeyholder},
		"staff":            {auth.RoleViewer},
	}
)

func newRequest(peer string, headers map[string]string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.RemoteAddr = peer
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	return r
}

func mustNew(t *testing.T, cfg auth.Config) auth.Authenticator {
	t.Helper()
	a, err := auth.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = auth.Close(a) })
	return a
}

// want is the expected outcome of one Authenticate call.
type want struct {
	err     error // nil, auth.ErrNoIdentity or auth.ErrInvalidAssertion
	subject string
	email   string
	name    string
	groups  []string
	roles   []auth.Role
}

func check(t *testing.T, a auth.Authenticator, r *http.Request, w want) {
	t.Helper()
	id, err := a.Authenticate(r)
	if w.err != nil {
		if !errors.Is(err, w.err) {
			t.Fatalf("err = %v, want %v", err, w.err)
		}
		if id.Subject != "" || len(id.Roles) != 0 {
			t.Fatalf("identity %+v returned with error", id)
		}
		other := auth.ErrInvalidAssertion
		if w.err == other {
			other = auth.ErrNoIdentity
		}
		if errors.Is(err, other) {
			t.Fatalf("err %v is both kinds", err)
		}
		return
	}
	if err != nil {
		t.Fatalf("err = %v, want identity", err)
	}
	if id.Subject != w.subject || id.Email != w.email || id.Name != w.name ||
		!slices.Equal(id.Groups, w.groups) || !slices.Equal(id.Roles, w.roles) {
		t.Fatalf("identity = %+v\nwant %+v", id, w)
	}
}
