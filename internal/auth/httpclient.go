package auth

import (
	"io"
	"net/http"
)

// maxKeyResponse caps JWKS and PEM responses: keys are small, and a hostile
// or broken endpoint must not make us buffer without bound.
const maxKeyResponse = 1 << 20

// keyClient returns a copy of c (or a default client) with a timeout and a
// response size cap.
func keyClient(c *http.Client) *http.Client {
	var out http.Client
	if c != nil {
		out = *c
	}
	if out.Timeout == 0 {
		out.Timeout = DefaultHTTPTimeout
	}
	next := out.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	out.Transport = limitTransport{next}
	return &out
}

type limitTransport struct{ next http.RoundTripper }

func (t limitTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	if err == nil {
		resp.Body = limitedBody{io.LimitReader(resp.Body, maxKeyResponse), resp.Body}
	}
	return resp, err
}

type limitedBody struct {
	io.Reader
	io.Closer
}
