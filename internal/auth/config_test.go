package auth_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

func TestIsLoopbackListenAddr(t *testing.T) {
	tests := map[string]bool{
		"127.0.0.1:8080": true, "127.1.2.3:80": true, "[::1]:8080": true, "localhost:8080": true,
		"LOCALHOST:0": true, "[::ffff:127.0.0.1]:80": true,
		":8080": false, "0.0.0.0:8080": false, "[::]:8080": false, "10.0.0.1:8080": false,
		"example.com:80": false, "127.0.0.1": false, "": false, "localhost.example.com:80": false,
	}
	for addr, want := range tests {
		if got := auth.IsLoopbackListenAddr(addr); got != want {
			t.Errorf("IsLoopbackListenAddr(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestDevMode(t *testing.T) {
	for _, addr := range []string{":8080", "0.0.0.0:8080", "192.168.1.10:8080", "[::]:80", ""} {
		_, err := auth.New(auth.Config{Mode: auth.ModeDev, ListenAddr: addr})
		if err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("dev on %q: err = %v, want refusal naming loopback", addr, err)
		}
	}
	a := mustNew(t, auth.Config{Mode: auth.ModeDev, ListenAddr: "127.0.0.1:8080"})
	check(t, a, newRequest("127.0.0.1:5000", nil), want{
		subject: "dev@localhost", email: "dev@localhost", name: "Local developer",
		roles: []auth.Role{auth.RoleAdmin, auth.RoleKeyholder, auth.RoleOperator, auth.RoleViewer},
	})
}

func TestValidate(t *testing.T) {
	pem := "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEVs/o5+uQbTjL3chynL4wXgUg2R9\nq9UU8I5mEovUf86QZ7kOBIjJwqnzD1omageEHWwHdBO6B+dFabmdT9POxg==\n-----END PUBLIC KEY-----\n"
	nets := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	jwtOK := auth.JWTConfig{Header: "X-Jwt", PublicKeyPEM: pem, Issuer: "i", Audience: "a"}
	tests := []struct {
		name string
		cfg  auth.Config
		want string // substring of the error; "" for valid
	}{
		{"no mode", auth.Config{}, "auth mode is required"},
		{"bad mode", auth.Config{Mode: "ldap"}, `auth mode "ldap"`},
		{"proxy ok", auth.Config{Mode: auth.ModeProxy, TrustedNetworks: nets}, ""},
		{"proxy no nets", auth.Config{Mode: auth.ModeProxy}, "trusted networks"},
		{"proxy preset", auth.Config{Mode: auth.ModeProxy, TrustedNetworks: nets, Proxy: auth.ProxyConfig{Preset: "nginx"}}, "auth proxy preset"},
		{"proxy bad header", auth.Config{Mode: auth.ModeProxy, TrustedNetworks: nets, Proxy: auth.ProxyConfig{GroupsHeader: "X Groups"}}, "header name"},
		{"default viewer", auth.Config{Mode: auth.ModeProxy, TrustedNetworks: nets, DefaultRole: auth.RoleViewer}, ""},
		{"default admin", auth.Config{Mode: auth.ModeProxy, TrustedNetworks: nets, DefaultRole: auth.RoleAdmin}, "default role admin"},
		{"default bogus", auth.Config{Mode: auth.ModeProxy, TrustedNetworks: nets, DefaultRole: "root"}, "default role"},
		{"rolemap bogus", auth.Config{Mode: auth.ModeProxy, TrustedNetworks: nets, RoleMap: auth.RoleMap{"g": {"root"}}}, "role map"},
		{"jwt ok", auth.Config{Mode: auth.ModeJWT, JWT: jwtOK}, ""},
		{"jwt no header", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{PublicKeyPEM: pem, Issuer: "i", Audience: "a"}}, "auth jwt header is required"},
		{"jwt no key", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Header: "X-Jwt", Issuer: "i", Audience: "a"}}, "jwks url or a public key"},
		{"jwt both keys", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Header: "X-Jwt", PublicKeyPEM: pem, JWKSURL: "https://x/j", Issuer: "i", Audience: "a"}}, "not both"},
		{"jwt bad pem", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Header: "X-Jwt", PublicKeyPEM: "nope", Issuer: "i", Audience: "a"}}, "auth jwt public key"},
		{"jwt no issuer", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Header: "X-Jwt", PublicKeyPEM: pem, Audience: "a"}}, "issuer is required"},
		{"jwt no audience", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Header: "X-Jwt", PublicKeyPEM: pem, Issuer: "i"}}, "audience is required"},
		{"jwt alg none", auth.Config{Mode: auth.ModeJWT, JWT: withAlgs(jwtOK, "none")}, `algorithm "none"`},
		{"jwt alg HS256", auth.Config{Mode: auth.ModeJWT, JWT: withAlgs(jwtOK, "HS256")}, `algorithm "HS256"`},
		{"jwt http jwks", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Header: "X-Jwt", JWKSURL: "http://idp.example.com/jwks", Issuer: "i", Audience: "a"}}, "want https"},
		{"jwt leeway", auth.Config{Mode: auth.ModeJWT, JWT: func() auth.JWTConfig { j := jwtOK; j.Leeway = 10 * 60e9; return j }()}, "leeway"},
		{"pomerium needs key", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Preset: "pomerium", Issuer: "i", Audience: "a"}}, "jwks url or a public key"},
		{"cloudflare team", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Preset: "cloudflare", CloudflareTeam: "Bad.Team", Audience: "a"}}, "cloudflare team"},
		{"cloudflare aud", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Preset: "cloudflare", CloudflareTeam: "acme"}}, "AUD tag"},
		{"cloudflare ok", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Preset: "cloudflare", CloudflareTeam: "acme", Audience: "tag"}}, ""},
		{"alb ok", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Preset: "alb", ALBRegion: "eu-west-1", ALBARN: "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/x/y"}}, ""},
		{"alb region", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Preset: "alb", ALBRegion: "eu-west-1/../x", ALBARN: "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/x/y"}}, "alb region"},
		{"alb arn", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Preset: "alb", ALBRegion: "eu-west-1", ALBARN: "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/y"}}, "alb arn"},
		{"alb no jwks", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Preset: "alb", ALBRegion: "eu-west-1", ALBARN: "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/x/y", JWKSURL: "https://x/"}}, "leave jwks url"},
		{"preset bogus", auth.Config{Mode: auth.ModeJWT, JWT: auth.JWTConfig{Preset: "okta"}}, "auth jwt preset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Validate: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("Validate = %v, want error containing %q", err, tt.want)
			case err != nil && strings.Contains(err.Error(), "\n"):
				t.Fatalf("error is not one line: %q", err)
			}
		})
	}
}

func withAlgs(j auth.JWTConfig, algs ...string) auth.JWTConfig {
	j.Algorithms = algs
	return j
}
