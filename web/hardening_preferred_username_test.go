package web

import (
	"net/http"
	"strings"
	"testing"
)

// X-Forwarded-Preferred-Username, passed through by a proxy that does not
// overwrite it, showed a name the client chose in the access log when the
// proxy sent no e-mail. The log names the verified actor (e-mail, else the
// subject), like the audit log.
func TestPreferredUsernameNotInAccessLog(t *testing.T) {
	s := proxyConsole(t)
	r := s.do(http.MethodGet, "/r/us-east-1/stages", nil, map[string]string{
		"X-Forwarded-User": "alice", "X-Forwarded-Groups": "g-viewer", "X-Forwarded-Preferred-Username": "Mallory the Admin"})
	if r.Code != http.StatusOK {
		t.Fatalf("status %d", r.Code)
	}
	logs := s.logs.String()
	if strings.Contains(logs, "Mallory") || !strings.Contains(logs, `"user":"alice"`) {
		t.Errorf("access log: %s", logs)
	}
}
