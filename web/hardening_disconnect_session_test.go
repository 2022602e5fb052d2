package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Item 6 of the outside attack: a disconnect under a session id that does
// not exist disconnected the live participant and recorded the made-up
// session. The participant must belong to the session named.
func TestDisconnectChecksTheParticipantBelongsToTheSession(t *testing.T) {
	w := newBrowseWorld(10)
	fake := browseFake(w)
	disconnected := 0
	fake.DisconnectParticipantFn = func(context.Context, ivs.Region, string, string, string) error {
		disconnected++
		return nil
	}
	s := newTestServer(t, fake, identityWith(auth.RoleOperator))
	s.get(bSessPath) // a session and its CSRF token
	form := url.Values{"reason": {"spam"}, "confirm": {"yes"}}
	r := s.post("/r/us-east-1/stages/"+bStageID+"/sessions/st-AAAAAAAAAAAAA/participants/"+bEncB+"/disconnect", form, true)
	if r.Code != http.StatusNotFound || disconnected != 0 {
		t.Fatalf("made-up session: %d, %d disconnects", r.Code, disconnected)
	}
	for _, a := range s.audited() {
		if a.Action == "participant.disconnect" {
			t.Errorf("a disconnect that did not happen was recorded: %+v", a)
		}
	}
	// The real session still works.
	r = s.post(bSessPath+"/participants/"+bEncB+"/disconnect", form, true)
	if r.Code != http.StatusSeeOther || disconnected != 1 {
		t.Errorf("real session: %d, %d disconnects", r.Code, disconnected)
	}
}
