package auth_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
)

// -trusted-proxies 0.0.0.0/0 was accepted: every peer "the proxy".
func TestTrustedProxiesAllAddressesRefusedByAuth(t *testing.T) {
	for _, all := range []string{"0.0.0.0/0", "::/0"} {
		_, err := auth.New(auth.Config{Mode: auth.ModeProxy, TrustedNetworks: []netip.Prefix{netip.MustParsePrefix(all)}})
		if err == nil || !strings.Contains(err.Error(), "trusts every address") {
			t.Errorf("trusted networks %s: %v", all, err)
		}
	}
}
