package config

import (
	"net/netip"
	"strings"
	"testing"
)

// -trusted-proxies 0.0.0.0/0 was accepted silently: every peer on the
// internet a trusted proxy, so anyone could assert an identity and an
// address. It is refused at start.
func TestTrustedProxiesAllAddressesRefused(t *testing.T) {
	for _, all := range []string{"0.0.0.0/0", "::/0", "10.0.0.5/32, 0.0.0.0/0"} {
		_, err := Load([]string{"-auth", "proxy", "-session-keys", testKey, "-trusted-proxies", all}, env(nil))
		if err == nil || !strings.Contains(err.Error(), "-trusted-proxies (GREENROOM_TRUSTED_PROXIES)") || !strings.Contains(err.Error(), "trusts every address") {
			t.Errorf("-trusted-proxies %s: %v, want a refusal naming the setting", all, err)
		}
	}
	if _, err := Load([]string{"-trusted-proxies", "10.0.0.0/33"}, env(nil)); err == nil || !strings.Contains(err.Error(), `"10.0.0.0/33" is not an address or CIDR`) {
		t.Errorf("bad CIDR: %v", err)
	}
}

func TestTrustedProxiesParsedAtStart(t *testing.T) {
	c, err := Load([]string{"-auth", "proxy", "-session-keys", testKey, "-trusted-proxies", "10.0.0.5, 192.168.0.0/16,::ffff:10.1.1.1"}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("10.0.0.5/32"), netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("10.1.1.1/32")}
	if len(c.Auth.TrustedNetworks) != len(want) {
		t.Fatalf("networks %v, want %v", c.Auth.TrustedNetworks, want)
	}
	for i := range want {
		if c.Auth.TrustedNetworks[i] != want[i] {
			t.Errorf("network %d: %v, want %v", i, c.Auth.TrustedNetworks[i], want[i])
		}
	}
}
