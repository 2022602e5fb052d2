package auth

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Mode selects where identities come from.
type Mode string

const (
	ModeDev   Mode = "dev"   // one local admin; loopback listeners only
	ModeProxy Mode = "proxy" // identity headers from trusted proxy networks
	ModeJWT   Mode = "jwt"   // a signed assertion header
)

// Config configures New. The zero value is invalid: Mode must be set.
// Every setting's default is documented on its field; Validate reports the
// first problem in one line naming the setting.
type Config struct {
	// Mode is dev, proxy or jwt. Required.
	Mode Mode
	// ListenAddr is the console's listen address (host:port). ModeDev is
	// refused unless its host is a loopback address or "localhost"; an empty
	// host (":8080") listens everywhere and is refused.
	ListenAddr string
	// RoleMap grants roles from groups (see ParseRoleMap). Default: empty.
	RoleMap RoleMap
	// DefaultRole, when set, is granted to every authenticated identity in
	// addition to mapped roles. Default "" (off): an identity without a
	// mapped role has no access. "admin" is refused.
	DefaultRole Role
	// TrustedNetworks are the networks of the authenticating proxy. The TCP
	// peer (r.RemoteAddr, never X-Forwarded-For) must be inside one of them.
	// Required in ModeProxy; optional extra check in ModeJWT.
	TrustedNetworks []netip.Prefix

	Proxy ProxyConfig
	JWT   JWTConfig

	// HTTPClient fetches JWKS and ALB keys. Default: a client with a 10 s
	// timeout. Responses are capped at 1 MiB whichever client is used.
	HTTPClient *http.Client
	// Logger receives background failures (JWKS refresh). Default:
	// slog.Default(). Per-request failures are returned, not logged.
	Logger *slog.Logger
}

// ProxyConfig configures ModeProxy. Header fields left empty take the
// preset's value. Only the preset's headers are read, never a mix of
// families: a proxy usually strips and sets only its own headers, so reading
// another family would let a client inject identity through it.
type ProxyConfig struct {
	// Preset is oauth2-proxy (default), authelia or authentik:
	//   oauth2-proxy: X-Forwarded-User, X-Forwarded-Email,
	//                 X-Forwarded-Preferred-Username, X-Forwarded-Groups; ","
	//   authelia:     Remote-User, Remote-Email, Remote-Name, Remote-Groups; ","
	//                 (also for authentik set up to send Remote-*: set "|")
	//   authentik:    X-Authentik-Username, X-Authentik-Email,
	//                 X-Authentik-Name, X-Authentik-Groups; "|"
	Preset string
	// UserHeader carries the subject (user name or id). If absent from a
	// request, the email is used as subject.
	UserHeader   string
	EmailHeader  string
	NameHeader   string
	GroupsHeader string
	// GroupSeparator splits the groups header; items are trimmed.
	GroupSeparator string
}

// JWTConfig configures ModeJWT.
type JWTConfig struct {
	// Preset is "" (generic), pomerium, cloudflare or alb; it fills in the
	// header, algorithms and key location:
	//   pomerium:   X-Pomerium-Jwt-Assertion, ES256; set JWKSURL
	//               (https://<route>/.well-known/pomerium/jwks.json) or PublicKeyPEM
	//   cloudflare: Cf-Access-Jwt-Assertion, RS256, JWKS and issuer from
	//               CloudflareTeam; Audience (the application AUD tag) required
	//   alb:        X-Amzn-Oidc-Data, ES256, key from the ALB key endpoint of
	//               ALBRegion by the token's kid; signer must equal ALBARN
	Preset string
	// Header carries the assertion; a "Bearer " prefix is tolerated.
	// Required for the generic preset.
	Header string
	// JWKSURL is fetched at start, refreshed every RefreshInterval and when an
	// unknown key id appears (rate limited), so key rotation is followed.
	JWKSURL string
	// PublicKeyPEM is a static PEM public key (RSA, ECDSA or Ed25519), used
	// instead of JWKSURL.
	PublicKeyPEM string
	// Algorithms allowed; default per preset, else RS*, PS*, ES*, EdDSA.
	// "none" and HMAC algorithms are refused.
	Algorithms []string
	// Issuer the "iss" claim must equal. Required except for alb (optional)
	// and cloudflare (derived from the team).
	Issuer string
	// Audience the "aud" claim must contain. Required except for alb, whose
	// tokens carry none (the signer ARN binds them to the load balancer).
	Audience string
	// Leeway for exp, nbf and iat. Default 30 s; at most 5 min.
	Leeway time.Duration
	// Claim names; a dotted name ("custom.groups") looks into nested objects.
	// Defaults: sub, email, name, groups. The groups claim may be an array
	// of strings or one string split by GroupSeparator (default ",").
	SubjectClaim   string
	EmailClaim     string
	NameClaim      string
	GroupsClaim    string
	GroupSeparator string
	// CloudflareTeam is the Cloudflare Access team name (<team>.cloudflareaccess.com).
	CloudflareTeam string
	// ALBRegion is the load balancer's AWS region, ALBARN its ARN.
	ALBRegion string
	ALBARN    string
	// ALBKeyBaseURL overrides the ALB public key endpoint; for tests only.
	ALBKeyBaseURL string
	// RefreshInterval for JWKS. Default 1 h.
	RefreshInterval time.Duration
}

// Defaults.
const (
	DefaultLeeway          = 30 * time.Second
	DefaultHTTPTimeout     = 10 * time.Second
	DefaultRefreshInterval = time.Hour
	maxLeeway              = 5 * time.Minute
)

type proxyPreset struct{ user, email, name, groups, sep string }

var proxyPresets = map[string]proxyPreset{
	"oauth2-proxy": {"X-Forwarded-User", "X-Forwarded-Email", "X-Forwarded-Preferred-Username", "X-Forwarded-Groups", ","},
	"authelia":     {"Remote-User", "Remote-Email", "Remote-Name", "Remote-Groups", ","},
	"authentik":    {"X-Authentik-Username", "X-Authentik-Email", "X-Authentik-Name", "X-Authentik-Groups", "|"},
}

var (
	asymmetricAlgs = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
	teamRE         = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	regionRE       = regexp.MustCompile(`^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$`)
)

// withDefaults returns a copy of c with preset and default values filled in.
func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	p := &c.Proxy
	if p.Preset == "" {
		p.Preset = "oauth2-proxy"
	}
	if pp, ok := proxyPresets[p.Preset]; ok {
		p.UserHeader = orDefault(p.UserHeader, pp.user)
		p.EmailHeader = orDefault(p.EmailHeader, pp.email)
		p.NameHeader = orDefault(p.NameHeader, pp.name)
		p.GroupsHeader = orDefault(p.GroupsHeader, pp.groups)
		p.GroupSeparator = orDefault(p.GroupSeparator, pp.sep)
	}

	j := &c.JWT
	switch j.Preset {
	case "pomerium":
		j.Header = orDefault(j.Header, "X-Pomerium-Jwt-Assertion")
		j.Algorithms = orDefaultList(j.Algorithms, "ES256")
	case "cloudflare":
		j.Header = orDefault(j.Header, "Cf-Access-Jwt-Assertion")
		j.Algorithms = orDefaultList(j.Algorithms, "RS256")
		if j.CloudflareTeam != "" {
			base := "https://" + j.CloudflareTeam + ".cloudflareaccess.com"
			j.JWKSURL = orDefault(j.JWKSURL, base+"/cdn-cgi/access/certs")
			j.Issuer = orDefault(j.Issuer, base)
		}
	case "alb":
		j.Header = orDefault(j.Header, "X-Amzn-Oidc-Data")
		j.Algorithms = orDefaultList(j.Algorithms, "ES256")
		if j.ALBRegion != "" {
			j.ALBKeyBaseURL = orDefault(j.ALBKeyBaseURL, albKeyBaseURL(j.ALBRegion))
		}
	}
	j.Algorithms = orDefaultList(j.Algorithms, asymmetricAlgs...)
	if j.Leeway == 0 {
		j.Leeway = DefaultLeeway
	}
	j.SubjectClaim = orDefault(j.SubjectClaim, "sub")
	j.EmailClaim = orDefault(j.EmailClaim, "email")
	j.NameClaim = orDefault(j.NameClaim, "name")
	j.GroupsClaim = orDefault(j.GroupsClaim, "groups")
	j.GroupSeparator = orDefault(j.GroupSeparator, ",")
	if j.RefreshInterval == 0 {
		j.RefreshInterval = DefaultRefreshInterval
	}
	return c
}

// albKeyBaseURL is where AWS publishes ALB signing keys for region.
func albKeyBaseURL(region string) string {
	if strings.HasPrefix(region, "us-gov-") {
		return "https://s3-" + region + ".amazonaws.com/aws-elb-public-keys-prod-" + region
	}
	return "https://public-keys.auth.elb." + region + ".amazonaws.com"
}

// Validate reports the first configuration problem, naming the setting.
func (c Config) Validate() error {
	c = c.withDefaults()
	if c.DefaultRole != "" {
		if !c.DefaultRole.Valid() {
			return fmt.Errorf("auth default role %q: want viewer, operator or keyholder", c.DefaultRole)
		}
		if c.DefaultRole == RoleAdmin {
			return errors.New("auth default role admin would make every user an admin: map a group to admin instead")
		}
	}
	for g, roles := range c.RoleMap {
		for _, r := range roles {
			if !r.Valid() {
				return fmt.Errorf("auth role map: group %q has unknown role %q", g, r)
			}
		}
	}
	for _, p := range c.TrustedNetworks {
		if !p.IsValid() {
			return errors.New("auth trusted networks: invalid prefix")
		}
		if p.Bits() == 0 {
			// Every peer would be "the proxy": anyone could assert anyone.
			return fmt.Errorf("auth trusted networks: %s trusts every address: list the proxy's addresses", p)
		}
	}
	switch c.Mode {
	case ModeDev:
		if !IsLoopbackListenAddr(c.ListenAddr) {
			return fmt.Errorf("auth mode dev needs a loopback listen address (127.0.0.1:PORT, [::1]:PORT or localhost:PORT), not %q", c.ListenAddr)
		}
		return nil
	case ModeProxy:
		return c.validateProxy()
	case ModeJWT:
		return c.validateJWT()
	case "":
		return errors.New("auth mode is required: dev, proxy or jwt")
	default:
		return fmt.Errorf("auth mode %q: want dev, proxy or jwt", c.Mode)
	}
}

func (c Config) validateProxy() error {
	p := c.Proxy
	if _, ok := proxyPresets[p.Preset]; !ok {
		return fmt.Errorf("auth proxy preset %q: want oauth2-proxy, authelia or authentik", p.Preset)
	}
	if len(c.TrustedNetworks) == 0 {
		return errors.New("auth mode proxy needs trusted networks: the proxy's addresses, e.g. 10.0.0.5/32")
	}
	for _, h := range []string{p.UserHeader, p.EmailHeader, p.NameHeader, p.GroupsHeader} {
		if !validHeaderName(h) {
			return fmt.Errorf("auth proxy header name %q is not a valid HTTP header name", h)
		}
	}
	if strings.TrimSpace(p.GroupSeparator) == "" {
		return errors.New("auth proxy group separator must not be blank")
	}
	return nil
}

func (c Config) validateJWT() error {
	j := c.JWT
	switch j.Preset {
	case "", "pomerium", "cloudflare", "alb":
	default:
		return fmt.Errorf("auth jwt preset %q: want pomerium, cloudflare, alb or empty", j.Preset)
	}
	if j.Header == "" {
		return errors.New("auth jwt header is required (the header carrying the signed assertion)")
	}
	if !validHeaderName(j.Header) {
		return fmt.Errorf("auth jwt header %q is not a valid HTTP header name", j.Header)
	}
	for _, a := range j.Algorithms {
		if !slices.Contains(asymmetricAlgs, a) {
			return fmt.Errorf("auth jwt algorithm %q is not allowed: want one of %s", a, strings.Join(asymmetricAlgs, ", "))
		}
	}
	if j.Leeway < 0 || j.Leeway > maxLeeway {
		return fmt.Errorf("auth jwt leeway %s: want between 0 and %s", j.Leeway, maxLeeway)
	}
	if j.RefreshInterval < time.Minute {
		return fmt.Errorf("auth jwt refresh interval %s: want at least 1m", j.RefreshInterval)
	}
	if strings.TrimSpace(j.GroupSeparator) == "" {
		return errors.New("auth jwt group separator must not be blank")
	}

	if j.Preset == "alb" {
		if !regionRE.MatchString(j.ALBRegion) {
			return fmt.Errorf("auth jwt alb region %q is not an AWS region name like eu-west-1", j.ALBRegion)
		}
		if !strings.HasPrefix(j.ALBARN, "arn:aws") || !strings.Contains(j.ALBARN, ":elasticloadbalancing:"+j.ALBRegion+":") {
			return fmt.Errorf("auth jwt alb arn %q is not a load balancer ARN in region %s", j.ALBARN, j.ALBRegion)
		}
		if j.JWKSURL != "" || j.PublicKeyPEM != "" {
			return errors.New("auth jwt alb preset takes its keys from the ALB key endpoint: leave jwks url and public key empty")
		}
		if j.Audience != "" {
			return errors.New("auth jwt audience is not used with the alb preset (ALB tokens carry none; the signer ARN is checked)")
		}
		if err := checkURL("auth jwt alb key base url", j.ALBKeyBaseURL); err != nil {
			return err
		}
		return nil
	}

	if j.Preset == "cloudflare" && !teamRE.MatchString(j.CloudflareTeam) {
		return fmt.Errorf("auth jwt cloudflare team %q is not a team name (the <team> in <team>.cloudflareaccess.com)", j.CloudflareTeam)
	}
	switch {
	case j.JWKSURL == "" && j.PublicKeyPEM == "":
		return errors.New("auth jwt needs a jwks url or a public key (PEM)")
	case j.JWKSURL != "" && j.PublicKeyPEM != "":
		return errors.New("auth jwt takes a jwks url or a public key, not both")
	case j.JWKSURL != "":
		if err := checkURL("auth jwt jwks url", j.JWKSURL); err != nil {
			return err
		}
	default:
		if _, err := parsePublicKeyPEM(j.PublicKeyPEM); err != nil {
			return fmt.Errorf("auth jwt public key: %w", err)
		}
	}
	if j.Issuer == "" {
		return errors.New("auth jwt issuer is required (the iss claim the tokens carry)")
	}
	if j.Audience == "" {
		if j.Preset == "cloudflare" {
			return errors.New("auth jwt audience is required: the Cloudflare Access application AUD tag")
		}
		return errors.New("auth jwt audience is required (the aud claim the tokens carry)")
	}
	return nil
}

// checkURL wants https: whoever can alter the keys in transit can forge any
// identity. Plain http is tolerated for loopback hosts (tests, sidecars).
func checkURL(setting, s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%s %q: want an absolute https URL", setting, s)
	}
	if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
		return fmt.Errorf("%s %q: want https (plain http only for loopback hosts)", setting, s)
	}
	return nil
}

// validHeaderName accepts RFC 7230 token characters.
func validHeaderName(h string) bool {
	if h == "" {
		return false
	}
	for _, r := range h {
		if r > 0x7e || r <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

func orDefault(v, d string) string {
	if v == "" {
		return d
	}
	return v
}

func orDefaultList(v []string, d ...string) []string {
	if len(v) == 0 {
		return d
	}
	return v
}
