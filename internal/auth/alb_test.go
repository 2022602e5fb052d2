package auth_test

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/auth/authtest"
)

func TestALB(t *testing.T) {
	alb := authtest.NewALB(t)
	a := mustNew(t, alb.Config(roleMap))
	other := authtest.NewALB(t) // same kid, different key: a forgery
	const hdr = "X-Amzn-Oidc-Data"
	valid := alb.Mint(t, nil, map[string]any{"email": "ann@example.com", "name": "Ann", "groups": []string{"ops"}})
	if !strings.Contains(valid, "=") {
		t.Fatal("test token is not padded; the ALB quirk is not exercised")
	}
	past := time.Now().Add(-time.Hour).Unix()
	tests := []struct {
		name    string
		headers map[string]string
		want    want
	}{
		{"no header", nil, want{err: auth.ErrNoIdentity}},
		{"valid padded", map[string]string{hdr: valid}, want{subject: "alb-subject", email: "ann@example.com", name: "Ann",
			groups: []string{"ops"}, roles: []auth.Role{auth.RoleKeyholder, auth.RoleOperator}}},
		{"lower-case header name", map[string]string{"x-amzn-oidc-data": valid}, want{subject: "alb-subject", email: "ann@example.com", name: "Ann",
			groups: []string{"ops"}, roles: []auth.Role{auth.RoleKeyholder, auth.RoleOperator}}},
		{"identity header alone", map[string]string{"X-Amzn-Oidc-Identity": "alb-subject", "X-Amzn-Oidc-Accesstoken": "x"},
			want{err: auth.ErrNoIdentity}},
		{"wrong signer", map[string]string{hdr: alb.Mint(t, map[string]any{"signer": strings.Replace(alb.ARN, "greenroom", "evil", 1)}, nil)},
			want{err: auth.ErrInvalidAssertion}},
		{"no signer", map[string]string{hdr: alb.Mint(t, map[string]any{"signer": nil}, nil)}, want{err: auth.ErrInvalidAssertion}},
		{"forged", map[string]string{hdr: other.Mint(t, map[string]any{"signer": alb.ARN}, nil)}, want{err: auth.ErrInvalidAssertion}},
		{"expired", map[string]string{hdr: alb.Mint(t, map[string]any{"exp": past}, map[string]any{"exp": past})}, want{err: auth.ErrInvalidAssertion}},
		{"alg ES384 claimed", map[string]string{hdr: alb.Mint(t, map[string]any{"alg": "ES384"}, nil)}, want{err: auth.ErrInvalidAssertion}},
		{"alg none", map[string]string{hdr: alb.Mint(t, map[string]any{"alg": "none"}, nil)}, want{err: auth.ErrInvalidAssertion}},
	}
	for _, kid := range []string{"../../etc/passwd", "..", "a/b", "a%2fb", "x?y=z", "x#y", "@evil.example", "a b", "", strings.Repeat("a", 200)} {
		tests = append(tests, struct {
			name    string
			headers map[string]string
			want    want
		}{"kid " + kid, map[string]string{hdr: alb.Mint(t, map[string]any{"kid": kid}, nil)}, want{err: auth.ErrInvalidAssertion}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, a, newRequest(untrustedPeer, tt.headers), tt.want)
		})
	}
	// Only the legitimate kid was ever asked of the key server, and once.
	if len(alb.Requests) != 1 || alb.Requests[0] != "|/"+alb.Kid {
		t.Errorf("key server saw %q, want one request for /%s", alb.Requests, alb.Kid)
	}
}

func TestALBUnpaddedSignatureAlsoAccepted(t *testing.T) {
	// The signature segment is not signed over, so its padding may vary.
	alb := authtest.NewALB(t)
	a := mustNew(t, alb.Config(nil))
	tok := strings.TrimRight(alb.Mint(t, nil, nil), "=")
	check(t, a, newRequest(untrustedPeer, map[string]string{"X-Amzn-Oidc-Data": tok}),
		want{subject: "alb-subject", email: "alb@example.com"})
}

func TestALBKeyURLNotFromToken(t *testing.T) {
	// A token naming another key location in its header or claims is still
	// checked against the configured endpoint only.
	alb := authtest.NewALB(t)
	evil := authtest.NewALB(t)
	a := mustNew(t, alb.Config(nil))
	tok := evil.Mint(t, map[string]any{"signer": alb.ARN, "jku": evil.KeyBase + "/" + evil.Kid, "x5u": evil.KeyBase},
		map[string]any{"iss": evil.KeyBase})
	check(t, a, newRequest(untrustedPeer, map[string]string{"X-Amzn-Oidc-Data": tok}), want{err: auth.ErrInvalidAssertion})
	if len(evil.Requests) != 0 {
		t.Errorf("evil key server was contacted: %q", evil.Requests)
	}
}

func TestALBSignedByGenericLibrary(t *testing.T) {
	// A standard (unpadded) ES256 JWT with the ALB header fields verifies too.
	alb := authtest.NewALB(t)
	a := mustNew(t, alb.Config(nil))
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{"sub": "s", "exp": time.Now().Add(time.Minute).Unix()})
	tok.Header["kid"], tok.Header["signer"] = alb.Kid, alb.ARN
	s, err := tok.SignedString(alb.Key)
	if err != nil {
		t.Fatal(err)
	}
	check(t, a, newRequest(untrustedPeer, map[string]string{"X-Amzn-Oidc-Data": s}), want{subject: "s"})
}
