package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/config"
)

// A cookie signed with the old key still opens after a rotation that puts a
// new key first; one signed with an unknown key does not.
func TestSessionKeyRotation(t *testing.T) {
	oldKey, newKey, otherKey := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32), bytes.Repeat([]byte{3}, 32)
	before := newSessionStore(&config.Config{SessionKeys: [][]byte{oldKey}, SessionTTL: 3600e9})
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	s, _ := before.Get(req, "greenroom")
	s.Values["csrf"] = "token-1"
	rec := httptest.NewRecorder()
	if err := s.Save(req, rec); err != nil {
		t.Fatal(err)
	}
	cookie := rec.Result().Cookies()[0]

	open := func(keys ...[]byte) (string, bool) {
		store := newSessionStore(&config.Config{SessionKeys: keys, SessionTTL: 3600e9})
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.AddCookie(cookie)
		got, err := store.Get(r, "greenroom")
		tok, _ := got.Values["csrf"].(string)
		return tok, err == nil && !got.IsNew
	}
	if tok, ok := open(newKey, oldKey); !ok || tok != "token-1" {
		t.Errorf("after rotation the old cookie should open: %q %v", tok, ok)
	}
	if _, ok := open(otherKey); ok {
		t.Error("a cookie opened with a key that never signed it")
	}
}
