// Package authtest helps other packages' tests authenticate requests the
// way production does: real signed tokens, verified by a real
// auth.Authenticator against keys served by httptest servers.
//
//	iss := authtest.NewIssuer(t)
//	a, _ := auth.New(iss.Config(roleMap))
//	req.Header.Set(iss.Header, iss.Token("ann@example.com", "ops"))
//
// Never import it from non-test code.
package authtest
