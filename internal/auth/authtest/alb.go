package authtest

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

// ALB imitates an AWS Application Load Balancer's OIDC signing: it serves
// PEM public keys at /<kid>, like public-keys.auth.elb.<region>.amazonaws.com,
// and mints x-amzn-oidc-data tokens, padded base64 included.
type ALB struct {
	Region  string
	ARN     string
	KeyBase string // base URL of the key server
	Kid     string
	Key     *ecdsa.PrivateKey

	mu       sync.Mutex
	Requests []string // paths asked of the key server
}

// NewALB starts a key server for one ALB signing key.
func NewALB(t testing.TB) *ALB {
	t.Helper()
	a := &ALB{
		Region: "eu-west-1",
		ARN:    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/greenroom/50dc6c495c0c9188",
		Kid:    "6f2d3c1a-0b1e-4d6b-9c2f-8a7e5d4c3b2a",
		Key:    NewKey(t, "ES256").(*ecdsa.PrivateKey),
	}
	der, err := x509.MarshalPKIXPublicKey(&a.Key.PublicKey)
	if err != nil {
		t.Fatalf("authtest: marshal key: %v", err)
	}
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.mu.Lock()
		a.Requests = append(a.Requests, r.URL.RawPath+"|"+r.URL.Path)
		a.mu.Unlock()
		if r.URL.Path != "/"+a.Kid {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(pemKey)
	}))
	t.Cleanup(srv.Close)
	a.KeyBase = srv.URL
	return a
}

// Config is an auth.Config in jwt mode with the alb preset for this ALB.
func (a *ALB) Config(roles auth.RoleMap) auth.Config {
	return auth.Config{
		Mode:    auth.ModeJWT,
		RoleMap: roles,
		JWT: auth.JWTConfig{
			Preset:        "alb",
			ALBRegion:     a.Region,
			ALBARN:        a.ARN,
			ALBKeyBaseURL: a.KeyBase,
		},
	}
}

// Mint builds an ALB-style token. header adds to or overrides the JWT
// header (alg, kid, signer, iss, client, exp); claims to the payload (sub,
// email, exp, iss filled in). A nil value removes a field. Segments keep
// their base64 padding, as ALB's do.
func (a *ALB) Mint(t testing.TB, header, claims map[string]any) string {
	t.Helper()
	exp := time.Now().Add(2 * time.Minute).Unix()
	h := map[string]any{"alg": "ES256", "typ": "JWT", "kid": a.Kid, "signer": a.ARN,
		"iss": "https://idp.test", "client": "client-id", "exp": exp}
	p := map[string]any{"sub": "alb-subject", "email": "alb@example.com", "exp": exp, "iss": "https://idp.test"}
	merge(h, header)
	merge(p, claims)
	enc := func(v map[string]any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("authtest: %v", err)
		}
		return base64.URLEncoding.EncodeToString(b)
	}
	// Make sure the payload really is padded, so the quirk is exercised.
	for n := 0; !strings.HasSuffix(enc(p), "="); n++ {
		p["pad"] = strings.Repeat("x", n)
	}
	input := enc(h) + "." + enc(p)
	sig, err := jwt.SigningMethodES256.Sign(input, a.Key)
	if err != nil {
		t.Fatalf("authtest: sign: %v", err)
	}
	return input + "." + base64.URLEncoding.EncodeToString(sig)
}

func merge(dst, src map[string]any) {
	for k, v := range src {
		if v == nil {
			delete(dst, k)
		} else {
			dst[k] = v
		}
	}
}
