package web

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Item 4 of the outside attack: the participant CSV checked only the first
// byte, so " =1+2" and a full-width "＝1+3" went through as formulas.
func TestParticipantCSVFormulaGuard(t *testing.T) {
	w := newBrowseWorld(6)
	attacks := []string{" =1+2", "＝1+3", "  @SUM(A1)", "＋1", "－2", "\t=cmd"}
	w.set(func(ps []ivs.Participant) []ivs.Participant {
		for i, a := range attacks[:4] {
			ps[2+i].UserID = a
		}
		return ps
	})
	s := newTestServer(t, browseFake(w), identityWith(auth.RoleViewer))
	r := s.get(bSessPath + "/participants.csv")
	recs, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range attacks[:4] {
		found := false
		for _, rec := range recs {
			if rec[1] == "'"+a {
				found = true
			}
			if rec[1] == a {
				t.Errorf("cell %q left as a formula", a)
			}
		}
		if !found {
			t.Errorf("cell %q not defused", a)
		}
	}
}
