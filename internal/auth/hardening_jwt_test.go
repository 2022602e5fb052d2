package auth_test

import (
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/auth/authtest"
)

// signES256 mints a token with key; header adds to (nil removes from) the
// JWT header, claims are completed with valid iss, aud, exp.
func signES256(t *testing.T, key crypto.Signer, header map[string]any, claims jwt.MapClaims) string {
	t.Helper()
	full := jwt.MapClaims{"iss": "https://idp.test", "aud": "greenroom.test", "sub": "ann@example.com",
		"email": "ann@example.com", "groups": []string{"greenroom-admins"}, "exp": time.Now().Add(time.Hour).Unix()}
	for k, v := range claims {
		full[k] = v
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodES256, full)
	for k, v := range header {
		if v == nil {
			delete(tok.Header, k)
		} else {
			tok.Header[k] = v
		}
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// jwksServer publishes keys, each with its kid and use.
func jwksServer(t *testing.T, keys map[string]struct {
	key crypto.Signer
	use string
}) string {
	t.Helper()
	var set []map[string]string
	for kid, k := range keys {
		jwk := authtest.JWK(k.key.Public(), kid, "ES256")
		if k.use == "" {
			delete(jwk, "use")
		} else {
			jwk["use"] = k.use
		}
		set = append(set, jwk)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": set})
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/jwks.json"
}

func jwtConfig(jwksURL, pemKey string) auth.Config {
	return auth.Config{Mode: auth.ModeJWT, RoleMap: roleMap, JWT: auth.JWTConfig{
		Header: "X-Test-Jwt-Assertion", JWKSURL: jwksURL, PublicKeyPEM: pemKey, Algorithms: []string{"ES256"},
		Issuer: "https://idp.test", Audience: "greenroom.test"}}
}

// An unknown JWT crit header was ignored: crit names extensions the
// recipient must understand or reject the token, and none is understood.
func TestJWTUnknownCritHeaderRejected(t *testing.T) {
	key := authtest.NewKey(t, "ES256")
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	jwks := jwksServer(t, map[string]struct {
		key crypto.Signer
		use string
	}{"k1": {key, "sig"}})
	admin := want{subject: "ann@example.com", email: "ann@example.com", groups: []string{"greenroom-admins"}, roles: []auth.Role{auth.RoleAdmin}}
	for name, cfg := range map[string]auth.Config{"pem": jwtConfig("", pemKey), "jwks": jwtConfig(jwks, "")} {
		a := mustNew(t, cfg)
		send := func(header map[string]any) *http.Request {
			return newRequest(trustedPeer, map[string]string{"X-Test-Jwt-Assertion": signES256(t, key, header, nil)})
		}
		check(t, a, send(map[string]any{"kid": "k1"}), admin)
		for _, crit := range []any{[]string{"b64"}, []string{"exp"}, []string{}, "b64"} {
			check(t, a, send(map[string]any{"kid": "k1", "crit": crit, "b64": false}), want{err: auth.ErrInvalidAssertion})
		}
		_, err := a.Authenticate(send(map[string]any{"kid": "k1", "crit": []string{"b64"}, "b64": false}))
		if err == nil || !strings.Contains(err.Error(), "crit") {
			t.Errorf("%s: the refusal does not say why: %v", name, err)
		}
	}
}

// JWKS keys published with "use": "enc" were tried for signatures.
func TestJWKSEncryptionKeysSkipped(t *testing.T) {
	encKey, sigKey, plainKey := authtest.NewKey(t, "ES256"), authtest.NewKey(t, "ES256"), authtest.NewKey(t, "ES256")
	jwks := jwksServer(t, map[string]struct {
		key crypto.Signer
		use string
	}{"k-enc": {encKey, "enc"}, "k-sig": {sigKey, "sig"}, "k-plain": {plainKey, ""}})
	a := mustNew(t, jwtConfig(jwks, ""))
	send := func(key crypto.Signer, header map[string]any) *http.Request {
		return newRequest(trustedPeer, map[string]string{"X-Test-Jwt-Assertion": signES256(t, key, header, nil)})
	}
	admin := want{subject: "ann@example.com", email: "ann@example.com", groups: []string{"greenroom-admins"}, roles: []auth.Role{auth.RoleAdmin}}
	check(t, a, send(encKey, map[string]any{"kid": "k-enc"}), want{err: auth.ErrInvalidAssertion})
	check(t, a, send(encKey, nil), want{err: auth.ErrInvalidAssertion}) // no kid: every key is tried
	check(t, a, send(sigKey, map[string]any{"kid": "k-sig"}), admin)
	check(t, a, send(sigKey, nil), admin)
	check(t, a, send(plainKey, map[string]any{"kid": "k-plain"}), admin) // "use" is optional
	check(t, a, send(plainKey, nil), admin)
}
