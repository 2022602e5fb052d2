package web

import (
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/greenroom-dev/greenroom/web/form"
	"github.com/labstack/echo/v4"
)

// FuzzQueryParsers feeds arbitrary query strings to the parsers of the
// console's own pages: they answer a value or a message, never panic.
func FuzzQueryParsers(f *testing.F) {
	f.Add("next=abc%2Bdef&q=keynote")
	f.Add("next=%00%ff&from=2026-13-40&to=x&outcome=maybe&action=%3Cscript%3E")
	f.Add("actor=" + string(make([]byte, 300)))
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		_, _, _ = form.ParseAuditFilter(q)
		e := echo.New()
		req := httptest.NewRequest("GET", "/?"+q.Encode(), nil)
		c := e.NewContext(req, httptest.NewRecorder())
		if tok, err := nextParam(c); err == nil {
			for _, r := range tok {
				if r < 0x21 || r > 0x7e {
					t.Fatalf("token %q accepted with a control or non-ASCII character", tok)
				}
			}
		}
	})
}
