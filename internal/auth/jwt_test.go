package auth_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/auth/authtest"
)

// jwtCases are run against each JWKS-based preset.
func jwtCases(t *testing.T, iss *authtest.Issuer) []struct {
	name    string
	headers map[string]string
	want    want
} {
	hour := time.Hour
	now := time.Now()
	h := iss.Header
	admin := want{subject: "ann@example.com", email: "ann@example.com", name: "Ann",
		groups: []string{"greenroom-admins"}, roles: []auth.Role{auth.RoleAdmin}}
	return []struct {
		name    string
		headers map[string]string
		want    want
	}{
		{"no header", nil, want{err: auth.ErrNoIdentity}},
		{"valid", map[string]string{h: iss.Mint(map[string]any{"sub": "ann@example.com", "email": "ann@example.com",
			"name": "Ann", "groups": []string{"greenroom-admins"}})}, admin},
		{"bearer prefix", map[string]string{h: "Bearer " + iss.Mint(map[string]any{"sub": "ann@example.com", "email": "ann@example.com",
			"name": "Ann", "groups": []string{"greenroom-admins"}})}, admin},
		{"groups as string", map[string]string{h: iss.Mint(map[string]any{"sub": "s", "groups": "staff, ops"})},
			want{subject: "s", groups: []string{"staff", "ops"}, roles: []auth.Role{auth.RoleKeyholder, auth.RoleOperator, auth.RoleViewer}}},
		{"no role", map[string]string{h: iss.Mint(map[string]any{"sub": "s", "groups": []string{"nobody"}})},
			want{subject: "s", groups: []string{"nobody"}}},
		{"forged (wrong key)", map[string]string{h: forgeSameKid(t, iss)}, want{err: auth.ErrInvalidAssertion}},
		{"expired", map[string]string{h: iss.Mint(map[string]any{"exp": now.Add(-2 * time.Minute).Unix()})}, want{err: auth.ErrInvalidAssertion}},
		{"expired within leeway", map[string]string{h: iss.Mint(map[string]any{"exp": now.Add(-10 * time.Second).Unix()})},
			want{subject: "test-subject"}},
		{"no exp", map[string]string{h: iss.Mint(map[string]any{"exp": nil})}, want{err: auth.ErrInvalidAssertion}},
		{"not yet valid", map[string]string{h: iss.Mint(map[string]any{"nbf": now.Add(hour).Unix()})}, want{err: auth.ErrInvalidAssertion}},
		{"issued in the future", map[string]string{h: iss.Mint(map[string]any{"iat": now.Add(hour).Unix()})}, want{err: auth.ErrInvalidAssertion}},
		{"wrong issuer", map[string]string{h: iss.Mint(map[string]any{"iss": "https://evil.test"})}, want{err: auth.ErrInvalidAssertion}},
		{"wrong audience", map[string]string{h: iss.Mint(map[string]any{"aud": "other-app"})}, want{err: auth.ErrInvalidAssertion}},
		{"no audience", map[string]string{h: iss.Mint(map[string]any{"aud": nil})}, want{err: auth.ErrInvalidAssertion}},
		{"audience list", map[string]string{h: iss.Mint(map[string]any{"aud": []string{"x", iss.Audience}})}, want{subject: "test-subject"}},
		{"alg none", map[string]string{h: algNone(t, iss)}, want{err: auth.ErrInvalidAssertion}},
		{"HS256", map[string]string{h: hs256(t, iss, []byte("secret"))}, want{err: auth.ErrInvalidAssertion}},
		{"garbage", map[string]string{h: "a.b.c"}, want{err: auth.ErrInvalidAssertion}},
		{"oversize", map[string]string{h: string(make([]byte, 20<<10))}, want{err: auth.ErrInvalidAssertion}},
		{"plain identity headers ignored", map[string]string{"X-Forwarded-Email": "ann@example.com", "X-Forwarded-Groups": "greenroom-admins",
			"Remote-User": "ann", "Remote-Groups": "greenroom-admins"}, want{err: auth.ErrNoIdentity}},
		{"plain headers do not override claims", map[string]string{h: iss.Mint(map[string]any{"sub": "s", "groups": []string{"staff"}}),
			"X-Forwarded-Groups": "greenroom-admins", "X-Forwarded-Email": "boss@example.com"},
			want{subject: "s", groups: []string{"staff"}, roles: []auth.Role{auth.RoleViewer}}},
	}
}

// forgeSameKid signs a token with a fresh key under the issuer's current kid.
func forgeSameKid(t *testing.T, iss *authtest.Issuer) string {
	tok := jwt.NewWithClaims(jwt.GetSigningMethod(iss.Alg), jwt.MapClaims{
		"iss": iss.Issuer, "aud": iss.Audience, "sub": "mallory", "groups": []string{"greenroom-admins"},
		"exp": time.Now().Add(time.Hour).Unix(),
	})
	tok.Header["kid"] = "key-1"
	s, err := tok.SignedString(authtest.NewKey(t, iss.Alg))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func algNone(t *testing.T, iss *authtest.Issuer) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{
		"iss": iss.Issuer, "aud": iss.Audience, "sub": "mallory", "exp": time.Now().Add(time.Hour).Unix(),
	})
	tok.Header["kid"] = "key-1"
	s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func hs256(t *testing.T, iss *authtest.Issuer, secret []byte) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": iss.Issuer, "aud": iss.Audience, "sub": "mallory", "exp": time.Now().Add(time.Hour).Unix(),
	})
	tok.Header["kid"] = "key-1"
	s, err := tok.SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJWTPresets(t *testing.T) {
	presets := []struct {
		name   string
		issuer func(t *testing.T) *authtest.Issuer
		config func(iss *authtest.Issuer) auth.Config
	}{
		{"generic", func(t *testing.T) *authtest.Issuer { return authtest.NewIssuer(t) }, func(iss *authtest.Issuer) auth.Config { return iss.Config(roleMap) }},
		{"pomerium", func(t *testing.T) *authtest.Issuer {
			iss := authtest.NewIssuer(t)
			iss.Header, iss.Issuer, iss.Audience = "X-Pomerium-Jwt-Assertion", "greenroom.example.com", "greenroom.example.com"
			return iss
		}, func(iss *authtest.Issuer) auth.Config {
			return auth.Config{Mode: auth.ModeJWT, RoleMap: roleMap, JWT: auth.JWTConfig{Preset: "pomerium",
				JWKSURL: iss.JWKSURL, Issuer: iss.Issuer, Audience: iss.Audience}}
		}},
		{"cloudflare", func(t *testing.T) *authtest.Issuer {
			iss := authtest.NewRSAIssuer(t)
			iss.Header, iss.Issuer, iss.Audience = "Cf-Access-Jwt-Assertion", "https://acme.cloudflareaccess.com", "4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2"
			return iss
		}, func(iss *authtest.Issuer) auth.Config {
			// The team gives the issuer; the JWKS URL is pointed at the test server.
			return auth.Config{Mode: auth.ModeJWT, RoleMap: roleMap, JWT: auth.JWTConfig{Preset: "cloudflare",
				CloudflareTeam: "acme", JWKSURL: iss.JWKSURL, Audience: iss.Audience}}
		}},
	}
	for _, p := range presets {
		t.Run(p.name, func(t *testing.T) {
			iss := p.issuer(t)
			a := mustNew(t, p.config(iss))
			for _, tt := range jwtCases(t, iss) {
				t.Run(tt.name, func(t *testing.T) {
					check(t, a, newRequest(untrustedPeer, tt.headers), tt.want)
				})
			}
		})
	}
}

func TestJWTWrongAlgorithmForPreset(t *testing.T) {
	// An RS256 token is refused where the preset allows only ES256, even if
	// the JWKS served an RSA key.
	iss := authtest.NewRSAIssuer(t)
	iss.Header = "X-Pomerium-Jwt-Assertion"
	a := mustNew(t, auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Preset: "pomerium",
		JWKSURL: iss.JWKSURL, Issuer: iss.Issuer, Audience: iss.Audience}})
	check(t, a, newRequest(untrustedPeer, map[string]string{iss.Header: iss.Token("a@b")}), want{err: auth.ErrInvalidAssertion})
}

func TestJWTStaticPEMAndHMACConfusion(t *testing.T) {
	key := authtest.NewKey(t, "RS256").(*rsa.PrivateKey)
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	a := mustNew(t, auth.Config{Mode: auth.ModeJWT, RoleMap: roleMap, JWT: auth.JWTConfig{
		Header: "X-Jwt", PublicKeyPEM: string(pubPEM), Issuer: "https://idp.test", Audience: "greenroom.test"}})
	claims := jwt.MapClaims{"iss": "https://idp.test", "aud": "greenroom.test", "sub": "s",
		"groups": []string{"staff"}, "exp": time.Now().Add(time.Hour).Unix()}

	good, _ := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(key)
	check(t, a, newRequest(untrustedPeer, map[string]string{"X-Jwt": good}),
		want{subject: "s", groups: []string{"staff"}, roles: []auth.Role{auth.RoleViewer}})

	// The classic confusion attack: HMAC keyed with the public key's PEM.
	for _, secret := range [][]byte{pubPEM, der} {
		bad, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(secret)
		check(t, a, newRequest(untrustedPeer, map[string]string{"X-Jwt": bad}), want{err: auth.ErrInvalidAssertion})
	}
}

func TestJWTTrustedNetworks(t *testing.T) {
	iss := authtest.NewIssuer(t)
	cfg := iss.Config(roleMap)
	cfg.TrustedNetworks = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24")}
	a := mustNew(t, cfg)
	tok := iss.Token("a@example.com", "staff")
	check(t, a, newRequest(untrustedPeer, map[string]string{iss.Header: tok}), want{err: auth.ErrNoIdentity})
	check(t, a, newRequest(trustedPeer, map[string]string{iss.Header: tok}),
		want{subject: "a@example.com", email: "a@example.com", groups: []string{"staff"}, roles: []auth.Role{auth.RoleViewer}})
}

func TestJWTNestedGroupsClaim(t *testing.T) {
	iss := authtest.NewIssuer(t)
	cfg := iss.Config(roleMap)
	cfg.JWT.GroupsClaim = "custom.groups"
	a := mustNew(t, cfg)
	tok := iss.Mint(map[string]any{"sub": "s", "custom": map[string]any{"groups": []string{"ops"}}})
	check(t, a, newRequest(untrustedPeer, map[string]string{iss.Header: tok}),
		want{subject: "s", groups: []string{"ops"}, roles: []auth.Role{auth.RoleKeyholder, auth.RoleOperator}})
}

func TestJWTKeyRotation(t *testing.T) {
	iss := authtest.NewIssuer(t)
	a := mustNew(t, iss.Config(roleMap))
	before := iss.Token("a@example.com")
	check(t, a, newRequest(untrustedPeer, map[string]string{iss.Header: before}), want{subject: "a@example.com", email: "a@example.com"})

	// The provider rotates and retires the old key: a token under the new kid
	// makes the authenticator refetch the JWKS at once.
	iss.Rotate(false)
	after := iss.Token("a@example.com")
	check(t, a, newRequest(untrustedPeer, map[string]string{iss.Header: after}), want{subject: "a@example.com", email: "a@example.com"})
	// The retired key is gone from the refreshed set.
	check(t, a, newRequest(untrustedPeer, map[string]string{iss.Header: before}), want{err: auth.ErrInvalidAssertion})
}

func TestJWKSDownAtStart(t *testing.T) {
	iss := authtest.NewIssuer(t)
	cfg := iss.Config(roleMap)
	cfg.JWT.JWKSURL = "http://127.0.0.1:1/jwks.json"
	var logged strings.Builder
	cfg.Logger = slog.New(slog.NewTextHandler(&logged, nil))
	a := mustNew(t, cfg) // not fatal
	check(t, a, newRequest(untrustedPeer, map[string]string{iss.Header: iss.Token("a@example.com")}), want{err: auth.ErrInvalidAssertion})
	if !strings.Contains(logged.String(), "JWKS refresh failed") {
		t.Errorf("refresh failure not logged: %q", logged.String())
	}
}

func TestJWTRepeatedHeaderRefused(t *testing.T) {
	iss := authtest.NewIssuer(t)
	a := mustNew(t, iss.Config(roleMap))
	r := newRequest(untrustedPeer, nil)
	r.Header.Add(iss.Header, iss.Token("a@example.com"))
	r.Header.Add(iss.Header, iss.Token("b@example.com"))
	check(t, a, r, want{err: auth.ErrInvalidAssertion})
}

func TestConcurrentAuthenticate(t *testing.T) {
	iss := authtest.NewIssuer(t)
	alb := authtest.NewALB(t)
	jwtAuth := mustNew(t, iss.Config(roleMap))
	albAuth := mustNew(t, alb.Config(roleMap))
	tok, albTok := iss.Token("a@example.com", "staff"), alb.Mint(t, nil, nil)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if _, err := jwtAuth.Authenticate(newRequest(untrustedPeer, map[string]string{iss.Header: tok})); err != nil {
					t.Error(err)
				}
				if _, err := albAuth.Authenticate(newRequest(untrustedPeer, map[string]string{"X-Amzn-Oidc-Data": albTok})); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}
