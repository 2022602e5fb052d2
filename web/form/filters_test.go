package form

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func TestParseParticipantFilterAcceptsOneFilter(t *testing.T) {
	cases := map[string]ParticipantFilter{
		"":                             {},
		"state=CONNECTED":              {State: "CONNECTED"},
		"state=DISCONNECTED&userId=":   {State: "DISCONNECTED"},
		"published=true":               {PublishedOnly: true},
		"userId=viewer-100001":         {UserID: "viewer-100001"},
		"recordingState=FAILED":        {RecordingState: "FAILED"},
		"state=&published=&userId=x":   {UserID: "x"},
		"next=AAAA_-bb%2B%2F%3D":       {Next: "AAAA_-bb+/="},
		"state=CONNECTED&next=abc":     {State: "CONNECTED", Next: "abc"},
		"recordingState=ACTIVE&next=Z": {RecordingState: "ACTIVE", Next: "Z"},
	}
	for raw, want := range cases {
		q, _ := url.ParseQuery(raw)
		got, err := ParseParticipantFilter(q)
		if err != nil {
			t.Errorf("%q: %v", raw, err)
			continue
		}
		if got != want {
			t.Errorf("%q: got %+v, want %+v", raw, got, want)
		}
	}
}

func TestParseParticipantFilterRefusesBadInput(t *testing.T) {
	cases := map[string]string{
		"state=connected":                    "not a participant state",
		"state=LIVE":                         "not a participant state",
		"published=false":                    "only be “true”",
		"published=1":                        "only be “true”",
		"recordingState=DISABLED":            "cannot filter",
		"recordingState=NOPE":                "not a recording state",
		"state=CONNECTED&published=true":     "one filter at a time",
		"userId=a&recordingState=ACTIVE":     "one filter at a time",
		"userId=" + strings.Repeat("u", 129): "longer than 128",
		"userId=a%00b":                       "control character",
		"next=%00":                           "damaged",
		"next=abc%20def":                     "damaged",
		"next=" + strings.Repeat("a", 1025):  "damaged",
		"state=CONNECTED&state=DISCONNECTED": "more than once",
	}
	for raw, want := range cases {
		q, err := url.ParseQuery(raw)
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		_, err = ParseParticipantFilter(q)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want it to say %q", raw, err, want)
		}
	}
}

func TestParticipantFilterQueryIsCanonical(t *testing.T) {
	for _, f := range []ParticipantFilter{{State: "CONNECTED"}, {PublishedOnly: true}, {UserID: "a b&c"}, {RecordingState: "ACTIVE"}, {}} {
		q, _ := url.ParseQuery(f.Query())
		back, err := ParseParticipantFilter(q)
		if err != nil || back != f {
			t.Errorf("%+v → %q → %+v, %v", f, f.Query(), back, err)
		}
	}
	var pq ivs.ParticipantQuery
	ParticipantFilter{RecordingState: "FAILED", Next: "t"}.Apply(&pq)
	if pq.RecordingState != "FAILED" || pq.NextToken != "t" || pq.State != "" || pq.PublishedOnly {
		t.Errorf("Apply: %+v", pq)
	}
}

func TestParseDisconnect(t *testing.T) {
	ok := url.Values{"reason": {"  Stream test over  "}}
	if d, errs := ParseDisconnect(ok); errs.Any() || d.Reason != "Stream test over" {
		t.Errorf("valid reason: %+v %v", d, errs)
	}
	for _, bad := range []string{"", "   ", strings.Repeat("é", 129), "line\nbreak"} {
		if _, errs := ParseDisconnect(url.Values{"reason": {bad}}); errs["reason"] == "" {
			t.Errorf("reason %q accepted", bad)
		}
	}
	if _, errs := ParseDisconnect(url.Values{"reason": {strings.Repeat("é", 128)}}); errs.Any() {
		t.Errorf("128 characters refused: %v", errs)
	}
}

func FuzzParseParticipantFilter(f *testing.F) {
	f.Add("state=CONNECTED&next=abc")
	f.Add("published=true&userId=%ff")
	f.Add("by=userId&state=CONNECTED&userId=ana&recordingState=FAILED")
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		// The filter bar's submission becomes one filter's address, or an error.
		if query, has, err := FilterBarQuery(q); has && err == nil {
			back, _ := url.ParseQuery(query)
			if _, err := ParseParticipantFilter(back); err != nil || back.Has(ParamBy) || back.Has(ParamNext) {
				t.Fatalf("%q became %q: %v", raw, query, err)
			}
		}
		pf, err := ParseParticipantFilter(q)
		if err != nil {
			return
		}
		n := 0
		for _, set := range []bool{pf.State != "", pf.PublishedOnly, pf.UserID != "", pf.RecordingState != ""} {
			if set {
				n++
			}
		}
		if n > 1 {
			t.Fatalf("two filters accepted from %q", raw)
		}
	})
}

func TestFilterBarQueryKeepsTheChosenFilterOnly(t *testing.T) {
	cases := map[string]string{
		"by=state&state=DISCONNECTED&userId=ana&recordingState=ACTIVE": "state=DISCONNECTED",
		"by=published&state=CONNECTED":                                 "published=true",
		"by=userId&userId=viewer+1&state=CONNECTED":                    "userId=viewer+1",
		"by=recordingState&recordingState=FAILED&next=abc":             "recordingState=FAILED",
		"by=&state=CONNECTED":                                          "",
		"by=userId&userId=":                                            "",
	}
	for raw, want := range cases {
		q, _ := url.ParseQuery(raw)
		got, has, err := FilterBarQuery(q)
		if !has || err != nil || got != want {
			t.Errorf("%q: %q %v %v, want %q", raw, got, has, err, want)
		}
	}
	if _, has, _ := FilterBarQuery(url.Values{"state": {"CONNECTED"}}); has {
		t.Error("an address without by= is not the filter bar's")
	}
	// Errors name the parameters at fault.
	for raw, params := range map[string]string{
		"by=nothing":                     "by",
		"by=state&state=LIVE":            "state",
		"state=CONNECTED&published=true": "state,published",
		"next=%00":                       "next",
		"userId=a&userId=b":              "userId",
	} {
		q, _ := url.ParseQuery(raw)
		_, err := ParseParticipantFilter(q)
		if _, has, e := FilterBarQuery(q); has {
			err = e
		}
		var pe *ParamError
		if !errors.As(err, &pe) || strings.Join(pe.Params, ",") != params {
			t.Errorf("%q: %v, want a ParamError naming %s", raw, err, params)
		}
	}
}
