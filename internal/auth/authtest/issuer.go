package authtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

// Issuer is a test identity provider: it holds a signing key and serves
// its public half as a JWKS from an httptest server.
type Issuer struct {
	Issuer   string // iss of minted tokens
	Audience string // aud of minted tokens
	Header   string // header the Config reads the assertion from
	JWKSURL  string
	Alg      string // ES256 or RS256

	t      testing.TB
	srv    *httptest.Server
	mu     sync.Mutex
	key    crypto.Signer
	kid    string
	keyGen int
	served []crypto.Signer // keys currently published
	kids   []string
}

// NewIssuer starts an ES256 issuer; the server stops when the test ends.
func NewIssuer(t testing.TB) *Issuer { return newIssuer(t, "ES256") }

// NewRSAIssuer starts an RS256 issuer.
func NewRSAIssuer(t testing.TB) *Issuer { return newIssuer(t, "RS256") }

func newIssuer(t testing.TB, alg string) *Issuer {
	t.Helper()
	i := &Issuer{
		Issuer:   "https://idp.test",
		Audience: "greenroom.test",
		Header:   "X-Test-Jwt-Assertion",
		Alg:      alg,
		t:        t,
	}
	i.srv = httptest.NewServer(http.HandlerFunc(i.serveJWKS))
	t.Cleanup(i.srv.Close)
	i.JWKSURL = i.srv.URL + "/jwks.json"
	i.Rotate(false)
	return i
}

// Config is an auth.Config in jwt mode that trusts this issuer.
func (i *Issuer) Config(roles auth.RoleMap) auth.Config {
	return auth.Config{
		Mode:    auth.ModeJWT,
		RoleMap: roles,
		JWT: auth.JWTConfig{
			Header:     i.Header,
			JWKSURL:    i.JWKSURL,
			Algorithms: []string{i.Alg},
			Issuer:     i.Issuer,
			Audience:   i.Audience,
		},
	}
}

// Rotate makes a new signing key with a new kid. With keepOld the previous
// key stays published (a graceful rotation); without it, only the new one.
func (i *Issuer) Rotate(keepOld bool) {
	i.t.Helper()
	key := NewKey(i.t, i.Alg)
	i.mu.Lock()
	defer i.mu.Unlock()
	i.keyGen++
	i.key, i.kid = key, fmt.Sprintf("key-%d", i.keyGen)
	if !keepOld {
		i.served, i.kids = nil, nil
	}
	i.served = append(i.served, key)
	i.kids = append(i.kids, i.kid)
}

// Mint signs claims with the current key. iss, aud, sub, iat, nbf and exp
// (one hour) are filled in unless claims sets them; set a claim to nil to
// leave it out.
func (i *Issuer) Mint(claims map[string]any) string {
	i.t.Helper()
	now := time.Now()
	full := jwt.MapClaims{
		"iss": i.Issuer, "aud": i.Audience, "sub": "test-subject",
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Hour).Unix(),
	}
	for k, v := range claims {
		if v == nil {
			delete(full, k)
		} else {
			full[k] = v
		}
	}
	i.mu.Lock()
	key, kid := i.key, i.kid
	i.mu.Unlock()
	tok := jwt.NewWithClaims(jwt.GetSigningMethod(i.Alg), full)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		i.t.Fatalf("authtest: sign: %v", err)
	}
	return s
}

// Token mints a valid token for email in groups.
func (i *Issuer) Token(email string, groups ...string) string {
	return i.Mint(map[string]any{"sub": email, "email": email, "groups": groups})
}

func (i *Issuer) serveJWKS(w http.ResponseWriter, _ *http.Request) {
	i.mu.Lock()
	defer i.mu.Unlock()
	keys := make([]map[string]string, len(i.served))
	for n, k := range i.served {
		keys[n] = JWK(k.Public(), i.kids[n], i.Alg)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"keys": keys})
}

// NewKey generates a signing key for alg (ES256 or RS256).
func NewKey(t testing.TB, alg string) crypto.Signer {
	t.Helper()
	var (
		k   crypto.Signer
		err error
	)
	switch alg {
	case "ES256":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "RS256":
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	default:
		t.Fatalf("authtest: unsupported alg %q", alg)
	}
	if err != nil {
		t.Fatalf("authtest: generate key: %v", err)
	}
	return k
}

// JWK renders a public key as a JSON Web Key.
func JWK(pub crypto.PublicKey, kid, alg string) map[string]string {
	b64 := base64.RawURLEncoding.EncodeToString
	m := map[string]string{"kid": kid, "alg": alg, "use": "sig"}
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		m["kty"], m["crv"] = "EC", "P-256"
		if e, err := k.ECDH(); err == nil {
			point := e.Bytes() // 0x04 || X || Y
			m["x"], m["y"] = b64(point[1:33]), b64(point[33:])
		}
	case *rsa.PublicKey:
		m["kty"] = "RSA"
		m["n"], m["e"] = b64(k.N.Bytes()), b64(big.NewInt(int64(k.E)).Bytes())
	}
	return m
}
