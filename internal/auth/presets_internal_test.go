package auth

import "testing"

func TestPresetDefaults(t *testing.T) {
	c := Config{Mode: ModeJWT, JWT: JWTConfig{Preset: "alb", ALBRegion: "eu-west-1"}}.withDefaults()
	if c.JWT.ALBKeyBaseURL != "https://public-keys.auth.elb.eu-west-1.amazonaws.com" || c.JWT.Header != "X-Amzn-Oidc-Data" ||
		len(c.JWT.Algorithms) != 1 || c.JWT.Algorithms[0] != "ES256" {
		t.Errorf("alb defaults: %+v", c.JWT)
	}
	if got := albKeyBaseURL("us-gov-west-1"); got != "https://s3-us-gov-west-1.amazonaws.com/aws-elb-public-keys-prod-us-gov-west-1" {
		t.Errorf("gov key url: %s", got)
	}
	c = Config{JWT: JWTConfig{Preset: "cloudflare", CloudflareTeam: "acme"}}.withDefaults()
	if c.JWT.JWKSURL != "https://acme.cloudflareaccess.com/cdn-cgi/access/certs" || c.JWT.Issuer != "https://acme.cloudflareaccess.com" ||
		c.JWT.Header != "Cf-Access-Jwt-Assertion" || c.JWT.Algorithms[0] != "RS256" {
		t.Errorf("cloudflare defaults: %+v", c.JWT)
	}
	c = Config{JWT: JWTConfig{Preset: "pomerium"}}.withDefaults()
	if c.JWT.Header != "X-Pomerium-Jwt-Assertion" || c.JWT.Algorithms[0] != "ES256" || c.JWT.Leeway != DefaultLeeway {
		t.Errorf("pomerium defaults: %+v", c.JWT)
	}
	c = Config{}.withDefaults()
	if c.Proxy.Preset != "oauth2-proxy" || c.Proxy.GroupsHeader != "X-Forwarded-Groups" || c.Proxy.GroupSeparator != "," {
		t.Errorf("proxy defaults: %+v", c.Proxy)
	}
}
