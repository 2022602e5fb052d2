package ivs

import "testing"

func TestLooksPersonal(t *testing.T) {
	yes := []string{"jane.doe@example.com", "+44 20 7946 0958", "call 555-123-4567", "(212) 555-0100"}
	no := []string{"encoder-1", "keynote-backup", "2026-04-08", "rt_123456", "12345678901234567890", "studio-b-graphics"}
	for _, s := range yes {
		if ok, _ := LooksPersonal(s); !ok {
			t.Errorf("%q should look personal", s)
		}
	}
	for _, s := range no {
		if ok, what := LooksPersonal(s); ok {
			t.Errorf("%q flagged as %s", s, what)
		}
	}
}
