package form

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func validForm() url.Values {
	return url.Values{
		FieldName:     {"main-feed_1"},
		FieldStage:    {"AbCdEf123456"},
		FieldUserID:   {"encoder-1"},
		FieldProtocol: {"RTMPS"},
		FieldToken:    {NewToken()},
		"attr_key":    {"role", ""},
		"attr_value":  {"program", ""},
		"tag_key":     {"team"},
		"tag_value":   {"sports"},
	}
}

func stagesOf(ids ...string) StageLookup {
	return func(s string) (string, bool) {
		for _, id := range ids {
			if id == s || "name-"+id == s {
				return id, true
			}
		}
		return "", false
	}
}

func TestParseIngestFormKeepsInputAndDropsEmptyRows(t *testing.T) {
	v := validForm()
	v.Set(FieldRedundant, "on")
	v.Set(FieldProtocol, "rtmp")
	f := ParseIngestForm(v)
	if f.Name != "main-feed_1" || f.Stage != "AbCdEf123456" || f.UserID != "encoder-1" || !f.Redundant || f.Protocol != "RTMP" {
		t.Fatalf("parsed %+v", f)
	}
	if len(f.Attributes) != 1 || f.Attributes[0] != (KV{Key: "role", Value: "program"}) {
		t.Errorf("attributes %+v", f.Attributes)
	}
	if len(f.Tags) != 1 || f.Tags[0] != (KV{Key: "team", Value: "sports"}) {
		t.Errorf("tags %+v", f.Tags)
	}
	if !f.InsecureIngest() {
		t.Error("RTMP must set insecureIngest")
	}
	if errs := f.Validate(stagesOf("AbCdEf123456")); errs.Any() {
		t.Errorf("valid form refused: %v", errs)
	}
	if Map(f.Attributes)["role"] != "program" || Map(nil) != nil {
		t.Error("Map")
	}
}

func TestValidateEachRule(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(v url.Values)
		field string
		words string
	}{
		{"no name", func(v url.Values) { v.Del(FieldName) }, FieldName, "Give the configuration a name"},
		{"blank name", func(v url.Values) { v.Set(FieldName, "   ") }, FieldName, "Give the configuration a name"},
		{"name too long", func(v url.Values) { v.Set(FieldName, strings.Repeat("a", 129)) }, FieldName, "at most 128"},
		{"name pattern", func(v url.Values) { v.Set(FieldName, "main feed!") }, FieldName, "letters, digits"},
		{"name unicode", func(v url.Values) { v.Set(FieldName, "café") }, FieldName, "letters, digits"},
		{"unknown stage", func(v url.Values) { v.Set(FieldStage, "Nope1234") }, FieldStage, "not a stage of this region"},
		{"user id too long", func(v url.Values) { v.Set(FieldUserID, strings.Repeat("u", 129)) }, FieldUserID, "at most 128"},
		{"user id not utf-8", func(v url.Values) { v.Set(FieldUserID, "a\xffb") }, FieldUserID, "UTF-8"},
		{"attributes over 1 KB", func(v url.Values) {
			v["attr_key"] = []string{"k"}
			v["attr_value"] = []string{strings.Repeat("x", 1024)}
		}, FieldAttributes, "1 KB"},
		{"attribute without name", func(v url.Values) { v["attr_key"] = []string{""}; v["attr_value"] = []string{"v"} }, FieldAttributes, "needs a name"},
		{"attribute twice", func(v url.Values) { v["attr_key"] = []string{"a", "a"}; v["attr_value"] = []string{"1", "2"} }, FieldAttributes, "twice"},
		{"no protocol", func(v url.Values) { v.Del(FieldProtocol) }, FieldProtocol, "RTMPS"},
		{"bad protocol", func(v url.Values) { v.Set(FieldProtocol, "SRT") }, FieldProtocol, "RTMPS or RTMP"},
		{"too many tags", func(v url.Values) {
			v["tag_key"], v["tag_value"] = nil, nil
			for i := range 50 {
				v.Add("tag_key", fmt.Sprint("k", i))
				v.Add("tag_value", "v")
			}
		}, FieldTags, "at most 49"},
		{"tag key too long", func(v url.Values) { v["tag_key"] = []string{strings.Repeat("k", 129)} }, FieldTags, "longer than 128"},
		{"tag value too long", func(v url.Values) { v["tag_value"] = []string{strings.Repeat("v", 257)} }, FieldTags, "longer than 256"},
		{"tag aws prefix", func(v url.Values) { v["tag_key"] = []string{"AWS:owner"} }, FieldTags, "aws:"},
		{"tag reserved", func(v url.Values) { v["tag_key"] = []string{ivs.IdempotencyTag} }, FieldTags, "reserved"},
		{"tag characters", func(v url.Values) { v["tag_key"] = []string{"a<b>"} }, FieldTags, "letters, digits"},
		{"tag without key", func(v url.Values) { v["tag_key"] = []string{""}; v["tag_value"] = []string{"x"} }, FieldTags, "needs a key"},
		{"tag twice", func(v url.Values) { v["tag_key"] = []string{"a", "a"}; v["tag_value"] = []string{"1", "2"} }, FieldTags, "twice"},
		{"no token", func(v url.Values) { v.Del(FieldToken) }, FieldForm, "one-time token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := validForm()
			tc.edit(v)
			f := ParseIngestForm(v)
			errs := f.Validate(stagesOf("AbCdEf123456"))
			if !strings.Contains(errs[tc.field], tc.words) {
				t.Errorf("errors %v: want %q on %s", errs, tc.words, tc.field)
			}
		})
	}
}

func TestValidateLimitsAreInclusive(t *testing.T) {
	v := validForm()
	v.Set(FieldName, strings.Repeat("a", 128))
	v.Set(FieldUserID, strings.Repeat("u", 128))
	v["attr_key"] = []string{"k"}
	v["attr_value"] = []string{strings.Repeat("x", 1023)}
	v["tag_key"] = []string{strings.Repeat("k", 128)}
	v["tag_value"] = []string{strings.Repeat("v", 256)}
	v.Set(FieldStage, "")
	f := ParseIngestForm(v)
	if errs := f.Validate(stagesOf()); errs.Any() {
		t.Errorf("values at the limits refused: %v", errs)
	}
}

func TestValidateResolvesStageNamesAndKeepsWhatWasTyped(t *testing.T) {
	v := validForm()
	v.Set(FieldStage, "name-AbCdEf123456")
	f := ParseIngestForm(v)
	if errs := f.Validate(stagesOf("AbCdEf123456")); errs.Any() || f.StageID != "AbCdEf123456" || f.Stage != "name-AbCdEf123456" {
		t.Errorf("stage %q as typed, id %q, errors %v", f.Stage, f.StageID, errs)
	}
	v.Set(FieldStage, "")
	f = ParseIngestForm(v)
	if errs := f.Validate(stagesOf("AbCdEf123456")); errs.Any() || f.StageID != "" {
		t.Errorf("no stage: id %q, errors %v", f.StageID, errs)
	}
}

func TestValidateMarksTheRowsOfTheMessage(t *testing.T) {
	v := validForm()
	v["tag_key"] = []string{"team", "", "site", "team", "aws:x"}
	v["tag_value"] = []string{"a", "", "paris", "b", "y"}
	f := ParseIngestForm(v)
	errs := f.Validate(stagesOf("AbCdEf123456"))
	if !strings.Contains(errs[FieldTags], "“team” appears twice (rows 1 and 3)") {
		t.Errorf("message %q: rows are numbered as the form shows them again (empty rows dropped)", errs[FieldTags])
	}
	var bad []int
	for i, r := range f.Tags {
		if r.BadKey {
			bad = append(bad, i)
		}
		if r.BadValue {
			t.Errorf("row %d: the value is not what the message is about", i+1)
		}
	}
	if fmt.Sprint(bad) != "[0 2]" {
		t.Errorf("rows marked %v, want both “team” rows (and not the aws: one, whose message is not shown)", bad)
	}
	v["attr_key"] = []string{"role", "role"}
	v["attr_value"] = []string{"a", "b"}
	f = ParseIngestForm(v)
	errs = f.Validate(stagesOf("AbCdEf123456"))
	if !f.Attributes[0].BadKey || !f.Attributes[1].BadKey || !strings.Contains(errs[FieldAttributes], "rows 1 and 2") {
		t.Errorf("attributes %+v: %q", f.Attributes, errs[FieldAttributes])
	}
	v = validForm()
	v["tag_key"], v["tag_value"] = []string{"ok", "k"}, []string{"1", strings.Repeat("v", 257)}
	f = ParseIngestForm(v)
	f.Validate(stagesOf("AbCdEf123456"))
	if f.Tags[0].BadKey || f.Tags[0].BadValue || f.Tags[1].BadKey || !f.Tags[1].BadValue {
		t.Errorf("a long value marks its value only: %+v", f.Tags)
	}
}

func TestEditForm(t *testing.T) {
	f := ParseEditForm(url.Values{FieldStage: {"Other1"}})
	if f.Redundant {
		t.Error("an unchecked box is false")
	}
	if errs := f.Validate(stagesOf("Other1"), true); errs.Any() {
		t.Error(errs)
	}
	f = ParseEditForm(url.Values{FieldStage: {""}, FieldRedundant: {"on"}})
	if errs := f.Validate(stagesOf(), true); !strings.Contains(errs[FieldStage], "cannot detach") {
		t.Errorf("detaching: %v", errs)
	}
	if errs := f.Validate(stagesOf(), false); errs.Any() {
		t.Errorf("no stage before, none after: %v", errs)
	}
	f = ParseEditForm(url.Values{FieldStage: {"Ghost"}})
	if errs := f.Validate(stagesOf("Other1"), false); errs[FieldStage] == "" {
		t.Error("unknown stage accepted")
	}
	if !ParseDeleteForm(url.Values{"force": {"on"}}).Force || ParseDeleteForm(url.Values{}).Force {
		t.Error("force")
	}
}

func TestAPIFieldMapping(t *testing.T) {
	for api, want := range map[string]string{"name": FieldName, "stageArn": FieldStage, "userId": FieldUserID, "attributes": FieldAttributes,
		"ingestProtocol": FieldProtocol, "insecureIngest": FieldProtocol, "tags": FieldTags, "redundantIngest": FieldRedundant, "arn": ""} {
		if got := APIField(api); got != want {
			t.Errorf("APIField(%q) = %q, want %q", api, got, want)
		}
	}
}

func TestParseIngestListQuery(t *testing.T) {
	ok := []string{"", "stage=AbC-1", "state=ACTIVE", "state=inactive", "next=abc%2B%2F%3D_-", "sort=-name", "sort=redundant&state=ACTIVE"}
	for _, s := range ok {
		v, _ := url.ParseQuery(s)
		if _, msg := ParseIngestListQuery(v); msg != "" {
			t.Errorf("%q refused: %s", s, msg)
		}
	}
	bad := map[string]string{
		"stage=AbC&state=ACTIVE": "one thing at a time",
		"stage=a/b":              "not a stage id",
		"state=LIVE":             "ACTIVE or INACTIVE",
		"next=%00":               "damaged",
		"sort=secret":            "cannot be sorted",
	}
	for s, words := range bad {
		v, _ := url.ParseQuery(s)
		if _, msg := ParseIngestListQuery(v); !strings.Contains(msg, words) {
			t.Errorf("%q: %q, want %q", s, msg, words)
		}
	}
}

func TestRotatedName(t *testing.T) {
	cases := map[[2]string]string{
		{"feed", "ID1"}:                        "feed-r2",
		{"feed-r2", "ID1"}:                     "feed-r3",
		{"feed-r9", "ID1"}:                     "feed-r10",
		{"", "AbCdEf123456"}:                   "AbCdEf123456-r2",
		{strings.Repeat("a", 128), "ID1"}:      strings.Repeat("a", 125) + "-r2",
		{strings.Repeat("a", 125) + "-r9", ""}: strings.Repeat("a", 124) + "-r10",
	}
	for in, want := range cases {
		got := RotatedName(in[0], in[1])
		if got != want || len(got) > ivs.MaxIngestNameLen || !ingestNamePattern.MatchString(got) {
			t.Errorf("RotatedName(%q) = %q, want %q", in[0], got, want)
		}
	}
}

func TestTokens(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b || !ValidToken(a) || ValidToken("short") || ValidToken("") {
		t.Errorf("tokens %q %q", a, b)
	}
	if f := NewIngestForm(); f.Protocol != "RTMPS" || !ValidToken(f.Token) {
		t.Errorf("new form %+v", f)
	}
}

func FuzzParseIngestForm(f *testing.F) {
	f.Add("name=a&protocol=RTMP&stage=x&attr_key=k&attr_value=v&tag_key=t&tag_value=u&redundant=on")
	f.Add("attr_key=&attr_key=a&attr_value=1&tag_key=aws:x&protocol=%FF")
	f.Add("name=" + strings.Repeat("z", 300) + "&idempotency_key=" + NewToken())
	f.Add("stage=AbC&state=ACTIVE&next=%00&sort=-name")
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		form := ParseIngestForm(v)
		errs := form.Validate(stagesOf("AbC"))
		if !errs.Any() {
			// What passes must be within the API's limits.
			if len(form.Name) > ivs.MaxIngestNameLen || len(form.UserID) > ivs.MaxUserIDLen || AttributesSize(form.Attributes) > ivs.MaxAttributesLen || len(form.Tags) > ivs.MaxUserTags {
				t.Fatalf("accepted out-of-limit input %+v", form)
			}
		}
		e := ParseEditForm(v)
		_ = e.Validate(stagesOf("AbC"), true)
		_, _ = ParseIngestListQuery(v)
		if n := RotatedName(v.Get("name"), "ID1"); len(n) > ivs.MaxIngestNameLen*4 {
			t.Fatalf("rotated name %q", n)
		}
	})
}
