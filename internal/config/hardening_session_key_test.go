package config

import (
	"encoding/base64"
	"strings"
	"testing"
)

// An all-zero session key was accepted silently: whoever guesses the
// placeholder forges every session. A key that is one byte repeated is
// refused, and the error does not quote it.
func TestAllZeroSessionKeyRefused(t *testing.T) {
	for _, key := range []string{
		strings.Repeat("00", 32),
		base64.StdEncoding.EncodeToString(make([]byte, 48)),
		strings.Repeat("ff", 40),
		testKey + "," + strings.Repeat("00", 32), // a rotation list with one placeholder
	} {
		_, err := Load([]string{"-auth", "proxy", "-trusted-proxies", "10.0.0.5", "-session-keys", key}, env(nil))
		if err == nil || !strings.Contains(err.Error(), "-session-keys (GREENROOM_SESSION_KEYS)") || !strings.Contains(err.Error(), "one byte repeated") {
			t.Errorf("key %.12s…: %v, want a refusal naming the setting", key, err)
		}
		if err != nil && strings.Contains(err.Error(), strings.Split(key, ",")[len(strings.Split(key, ","))-1]) {
			t.Errorf("the error quotes the key: %v", err)
		}
	}
}
