package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func TestIngestRevealIsAuditedNoStoreAndInPlace(t *testing.T) {
	for _, htmx := range []bool{false, true} {
		w := newIngestWorld()
		s := opServer(t, w)
		var r response
		if htmx {
			r = s.htmxPost(ingestBase+"/"+redundantID+"/reveal", nil)
		} else {
			r = s.post(ingestBase+"/"+redundantID+"/reveal", nil, true)
		}
		if r.Code != http.StatusOK {
			t.Fatalf("htmx=%v: status %d: %s", htmx, r.Code, r.body)
		}
		if cc := r.Header().Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q", cc)
		}
		if !strings.Contains(r.body, testKeyA) || !strings.Contains(r.body, testKeyB) {
			t.Error("both encoder keys must be revealed")
		}
		if strings.Contains(r.body, testKey) {
			t.Error("the top-level key of a redundant configuration is not for encoders")
		}
		d := r.doc(t)
		if htmx == strings.Contains(r.body, "<html") {
			t.Errorf("htmx=%v: full page=%v", htmx, !htmx)
		}
		if n := d.Find("[data-copy-from]").Length(); n < 2 {
			t.Errorf("copy buttons %d", n)
		}
		if !strings.Contains(d.Text(), "rtmps://"+liveStageID+".example:443/app/") || !strings.Contains(d.Text(), "OBS") {
			t.Error("no ready-to-paste encoder settings")
		}
		if hide, _ := d.Find("[data-hide-after]").Attr("data-hide-after"); hide != "60" || d.Find("[data-hide-now]").Length() != 1 {
			t.Errorf("keys do not hide: %q", hide)
		}
		a := lastAudit(t, s)
		if a.Action != audit.ActionReveal || a.Outcome != "success" || a.Resource != ingestARNOf(redundantID) || hasKey(a.Detail+a.Outcome) {
			t.Errorf("audit %+v", a)
		}
		if hasKey(s.logs.String()) {
			t.Error("a key reached the log")
		}
	}
	// A single-encoder RTMP configuration: its one key, the RTMP server.
	w := newIngestWorld()
	w.fake.ChangeIngest(ingestARNOf(legacyID), func(c *ivs.IngestConfiguration) { c.StageARN = stageARNOf(idleStageID) })
	s := opServer(t, w)
	r := s.post(ingestBase+"/"+legacyID+"/reveal", nil, true)
	if !strings.Contains(r.body, testKey) || !strings.Contains(r.body, "rtmp://"+idleStageID+".example/app/") {
		t.Error("single key or RTMP server missing")
	}
}

func TestIngestRevealAuditFailureShowsNoKey(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	s.auditFail = true
	for _, r := range []response{s.post(ingestBase+"/"+redundantID+"/reveal", nil, true), s.htmxPost(ingestBase+"/"+redundantID+"/reveal", nil)} {
		if r.Code != http.StatusServiceUnavailable || hasKey(r.body) || !strings.Contains(r.body, "audit log") {
			t.Errorf("audit down: status %d, key shown %v", r.Code, hasKey(r.body))
		}
	}
	if hasKey(s.logs.String()) {
		t.Error("a key reached the log")
	}
}

func TestIngestRevealNotFoundIsAuditedAsFailure(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	r := s.post(ingestBase+"/Gone00000000/reveal", nil, true)
	if r.Code != http.StatusNotFound || !strings.Contains(r.body, "Gone00000000") {
		t.Errorf("status %d", r.Code)
	}
	if a := lastAudit(t, s); a.Action != audit.ActionReveal || !strings.HasPrefix(a.Outcome, "failure") {
		t.Errorf("audit %+v", a)
	}
}

func TestIngestNoStreamKeyInAnyGETOrLog(t *testing.T) {
	w := newIngestWorld()
	s := opServer(t, w)
	pages := []string{"", "?state=ACTIVE", "?stage=" + liveStageID, "/new"}
	for _, id := range []string{redundantID, legacyID, activeID} {
		for _, p := range []string{"", "/edit", "/delete", "/rotate"} {
			pages = append(pages, "/"+id+p)
		}
	}
	pages = append(pages, "/"+redundantID+"/rotate/"+legacyID)
	for _, p := range pages {
		for _, r := range []response{s.get(ingestBase + p), s.htmx(ingestBase + p)} {
			if r.Code != http.StatusOK {
				t.Errorf("GET %s: %d", p, r.Code)
			}
			if hasKey(r.body) || strings.Contains(r.body, "rt_123456789012") {
				t.Errorf("GET %s holds a stream key", p)
			}
			for k, v := range r.Header() {
				if hasKey(k + strings.Join(v, " ")) {
					t.Errorf("GET %s: key in header %s", p, k)
				}
			}
		}
	}
	r := s.post(ingestBase+"/"+redundantID+"/reveal", nil, true)
	if !hasKey(r.body) {
		t.Error("the reveal did not reveal")
	}
	if loc := r.Header().Get("Location") + r.Header().Get("HX-Location"); loc != "" {
		t.Errorf("reveal redirects to %q", loc)
	}
	if hasKey(s.logs.String()) {
		t.Error("a key reached the log")
	}
	for _, a := range s.audited() {
		if hasKey(a.Detail + a.Outcome + a.Resource) {
			t.Error("a key reached the audit log")
		}
	}
	// Pages after the reveal still hold no key.
	if r := s.get(ingestBase + "/" + redundantID); hasKey(r.body) {
		t.Error("a key survived into the next GET")
	}
}
