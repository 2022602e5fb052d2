// Package auth establishes who is making a request and what they may do.
//
// Greenroom never logs people in itself: it runs behind an authenticating
// proxy (oauth2-proxy, Authelia, authentik, Pomerium, Cloudflare Access, an
// AWS Application Load Balancer) and trusts that proxy only in ways it can
// check. An Authenticator, built by New from a Config, turns an *http.Request
// into an Identity:
//
//   - ModeDev: a single local admin, allowed only when the console listens on
//     a loopback address.
//   - ModeProxy: identity headers, believed only when the TCP peer is inside
//     Config.TrustedNetworks; from any other peer they are ignored.
//   - ModeJWT: a signed assertion header verified against a JWKS URL, a PEM
//     public key, or the ALB key endpoint; plain identity headers are ignored.
//
// Roles come from the identity's groups through a RoleMap. An identity with
// no role is authenticated but authorised for nothing: handlers answer 403.
// Authenticate returns an error wrapping ErrNoIdentity (answer 401) or
// ErrInvalidAssertion (answer 401 and log the reason); there is never a
// default user.
package auth
