package auth

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// maxAssertionLen bounds the assertion header; real ones are a few KB.
const maxAssertionLen = 16 << 10

// jwtAuthenticator verifies a signed assertion header. It never reads plain
// identity headers: only claims inside a verified token count.
type jwtAuthenticator struct {
	header  string
	trusted []netip.Prefix // optional
	parser  *jwt.Parser
	keys    keySource
	claims  JWTConfig
	grant   grantor
}

func newJWTAuthenticator(cfg Config, g grantor) (*jwtAuthenticator, error) {
	j := cfg.JWT
	opts := []jwt.ParserOption{
		// The allow-list is what stops "none" and HMAC-with-the-public-key.
		jwt.WithValidMethods(j.Algorithms),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(j.Leeway),
	}
	if j.Issuer != "" {
		opts = append(opts, jwt.WithIssuer(j.Issuer))
	}
	if j.Audience != "" {
		opts = append(opts, jwt.WithAudience(j.Audience))
	}

	client := keyClient(cfg.HTTPClient)
	var keys keySource
	switch {
	case j.Preset == "alb":
		// ALB pads its base64url segments, which strict JWT parsers refuse.
		opts = append(opts, jwt.WithPaddingAllowed())
		keys = newALBKeys(j.ALBKeyBaseURL, j.ALBARN, client)
	case j.PublicKeyPEM != "":
		key, err := parsePublicKeyPEM(j.PublicKeyPEM)
		if err != nil {
			return nil, fmt.Errorf("auth jwt public key: %w", err)
		}
		keys = staticKey{key}
	default:
		k, err := newJWKSKeys(j.JWKSURL, client, j.RefreshInterval, cfg.Logger)
		if err != nil {
			return nil, fmt.Errorf("auth jwt jwks url: %w", err)
		}
		keys = k
	}
	return &jwtAuthenticator{
		header:  j.Header,
		trusted: cfg.TrustedNetworks,
		parser:  jwt.NewParser(opts...),
		keys:    keys,
		claims:  j,
		grant:   g,
	}, nil
}

// Close stops background key refreshes.
func (a *jwtAuthenticator) Close() error {
	a.keys.close()
	return nil
}

func (a *jwtAuthenticator) Authenticate(r *http.Request) (Identity, error) {
	if len(a.trusted) > 0 && !trusted(r, a.trusted) {
		return Identity{}, fmt.Errorf("%w: peer %q is not in the trusted proxy networks", ErrNoIdentity, r.RemoteAddr)
	}
	if n := len(r.Header.Values(a.header)); n > 1 {
		return Identity{}, fmt.Errorf("%w: %s header sent %d times", ErrInvalidAssertion, a.header, n)
	}
	raw := strings.TrimSpace(r.Header.Get(a.header))
	if len(raw) > 7 && strings.EqualFold(raw[:7], "bearer ") {
		raw = strings.TrimSpace(raw[7:])
	}
	if raw == "" {
		return Identity{}, fmt.Errorf("%w: no %s header", ErrNoIdentity, a.header)
	}
	if len(raw) > maxAssertionLen {
		return Identity{}, fmt.Errorf("%w: %s longer than %d bytes", ErrInvalidAssertion, a.header, maxAssertionLen)
	}
	claims := jwt.MapClaims{}
	if _, err := a.parser.ParseWithClaims(raw, claims, refuseCrit(a.keys.keyfunc(r.Context()))); err != nil {
		return Identity{}, fmt.Errorf("%w: %s: %s", ErrInvalidAssertion, a.header, reason(err))
	}
	return a.identity(claims)
}

// refuseCrit rejects a token whose header has a "crit" parameter before any
// key is looked up. crit lists extensions the recipient MUST understand or
// else reject the token (RFC 7515, 4.1.11); Greenroom implements none
// (b64, for one, changes what is signed), and the JWT library ignores crit.
func refuseCrit(next jwt.Keyfunc) jwt.Keyfunc {
	return func(t *jwt.Token) (any, error) {
		if _, ok := t.Header["crit"]; ok {
			return nil, errors.New("token header has a crit parameter: no critical extension is understood")
		}
		return next(t)
	}
}

// reason condenses a verification error to one line. jwt errors name the
// failed check and never quote the token.
func reason(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

func (a *jwtAuthenticator) identity(claims jwt.MapClaims) (Identity, error) {
	str := func(name string) (string, error) {
		v, _ := lookupClaim(claims, name)
		s, _ := v.(string)
		return cleanValue("claim "+name, s, maxValueLen)
	}
	sub, err := str(a.claims.SubjectClaim)
	if err != nil {
		return Identity{}, err
	}
	email, err := str(a.claims.EmailClaim)
	if err != nil {
		return Identity{}, err
	}
	name, err := str(a.claims.NameClaim)
	if err != nil {
		return Identity{}, err
	}
	if sub == "" {
		sub = email
	}
	if sub == "" {
		return Identity{}, fmt.Errorf("%w: token has neither %s nor %s", ErrInvalidAssertion, a.claims.SubjectClaim, a.claims.EmailClaim)
	}
	gv, _ := lookupClaim(claims, a.claims.GroupsClaim)
	groups := groupsFromClaim(gv, a.claims.GroupSeparator)
	for _, g := range groups {
		if _, err := cleanValue("claim "+a.claims.GroupsClaim, g, maxValueLen); err != nil {
			return Identity{}, err
		}
	}
	return Identity{Subject: sub, Email: email, Name: name, Groups: groups, Roles: a.grant.rolesFor(groups)}, nil
}
