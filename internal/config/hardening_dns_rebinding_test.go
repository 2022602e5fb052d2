package config

import (
	"strings"
	"testing"
)

// DNS rebinding in dev mode: `greenroom -backend aws` started dev mode
// (every local request is the admin) against a real account without a word.
func TestDNSRebindingDevModeAgainstAWSNeedsOptIn(t *testing.T) {
	_, err := Load([]string{"-backend", "aws"}, env(nil))
	if err == nil || !strings.Contains(err.Error(), "-auth (GREENROOM_AUTH)") ||
		!strings.Contains(err.Error(), "-dev-auth-against-aws-i-know-what-i-am-doing") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("-backend aws in dev mode: %v, want one line naming -auth and the opt-in", err)
	}
	if _, err := Load([]string{"-backend", "aws", "-dev-auth-against-aws-i-know-what-i-am-doing"}, env(nil)); err != nil {
		t.Fatalf("with the opt-in: %v", err)
	}
	if _, err := Load(nil, env(map[string]string{"GREENROOM_BACKEND": "aws", "GREENROOM_DEV_AUTH_AGAINST_AWS_I_KNOW_WHAT_I_AM_DOING": "true"})); err != nil {
		t.Fatalf("opt-in from the environment: %v", err)
	}
	if _, err := Load([]string{"-backend", "aws", "-auth", "proxy", "-trusted-proxies", "10.0.0.5", "-session-keys", testKey}, env(nil)); err != nil {
		t.Fatalf("proxy mode on aws needs no opt-in: %v", err)
	}
}

func TestDNSRebindingPublicURLIsAnOrigin(t *testing.T) {
	for _, ok := range []string{"https://greenroom.example.com", "https://greenroom.example.com/", "http://127.0.0.1:8080"} {
		if _, err := Load([]string{"-public-url", ok}, env(nil)); err != nil {
			t.Errorf("-public-url %s: %v", ok, err)
		}
	}
	for _, bad := range []string{"greenroom.example.com", "ftp://x", "https://greenroom.example.com/console", "https://u:p@greenroom.example.com", "https://greenroom.example.com/?a=b", "https://"} {
		_, err := Load([]string{"-public-url", bad}, env(nil))
		if err == nil || !strings.Contains(err.Error(), "-public-url (GREENROOM_PUBLIC_URL)") {
			t.Errorf("-public-url %s: %v, want a refusal naming the setting", bad, err)
		}
	}
}
