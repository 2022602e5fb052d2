package form

import (
	"net/url"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

const storageARN = "arn:aws:ivs:us-east-1:123456789012:storage-configuration/AbCdEf123456"

func validStageForm() url.Values {
	return url.Values{FieldName: {" town-hall_2 "}, "tag_key": {"team", ""}, "tag_value": {"events", ""},
		FieldStorageARN: {storageARN}, FieldMediaType: {"audio_only"}, FieldToken: {NewToken()}}
}

func TestStageFormEveryRule(t *testing.T) {
	f := ParseStageForm(validStageForm())
	if errs := f.Validate("us-east-1", true); errs.Any() {
		t.Fatalf("valid form refused: %v", errs)
	}
	in := f.CreateInput()
	if in.Name != "town-hall_2" || in.Tags["team"] != "events" || len(in.Tags) != 1 || in.Recording == nil ||
		in.Recording.StorageConfigurationARN != storageARN || in.Recording.MediaTypes[0] != "AUDIO_ONLY" || in.IdempotencyKey == "" {
		t.Errorf("input %+v %+v", in, in.Recording)
	}
	cases := []struct {
		name, field, words string
		edit               func(url.Values)
	}{
		{"name length", FieldName, "at most 128", func(v url.Values) { v.Set(FieldName, strings.Repeat("n", 129)) }},
		{"name pattern", FieldName, "letters, digits", func(v url.Values) { v.Set(FieldName, "town hall") }},
		{"tag prefix", FieldTags, "aws:", func(v url.Values) { v["tag_key"] = []string{"AWS:x"} }},
		{"tag reserved", FieldTags, "reserved", func(v url.Values) { v["tag_key"] = []string{ivs.IdempotencyTag} }},
		{"tag twice", FieldTags, "twice", func(v url.Values) { v["tag_key"], v["tag_value"] = []string{"a", "a"}, []string{"1", "2"} }},
		{"storage not an ARN", FieldStorageARN, "not a storage configuration ARN", func(v url.Values) { v.Set(FieldStorageARN, "s3://bucket") }},
		{"stage ARN for storage", FieldStorageARN, "not a storage configuration ARN", func(v url.Values) {
			v.Set(FieldStorageARN, "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf123456")
		}},
		{"storage of another region", FieldStorageARN, "eu-west-1", func(v url.Values) {
			v.Set(FieldStorageARN, strings.Replace(storageARN, "us-east-1", "eu-west-1", 1))
		}},
		{"media type", FieldMediaType, "Choose what to record", func(v url.Values) { v.Set(FieldMediaType, "VIDEO_ONLY") }},
		{"token", FieldForm, "one-time token", func(v url.Values) { v.Set(FieldToken, "x") }},
	}
	for _, tc := range cases {
		v := validStageForm()
		tc.edit(v)
		f := ParseStageForm(v)
		errs := f.Validate("us-east-1", true)
		if !strings.Contains(errs[tc.field], tc.words) {
			t.Errorf("%s: %v", tc.name, errs)
		}
	}
	// No storage configuration: no recording, whatever the media type says.
	v := validStageForm()
	v.Set(FieldStorageARN, "")
	v.Set(FieldMediaType, "junk")
	f = ParseStageForm(v)
	if errs := f.Validate("us-east-1", false); errs.Any() || f.Recording() != nil {
		t.Errorf("recording off: %v %+v", errs, f.Recording())
	}
	// The edit form carries no token.
	v.Del(FieldToken)
	f = ParseStageForm(v)
	if errs := f.Validate("us-east-1", false); errs.Any() {
		t.Errorf("edit form: %v", errs)
	}
}

func TestStageFormOfKeepsGreenroomsTagOut(t *testing.T) {
	f := StageFormOf(ivs.Stage{Name: "s", Tags: map[string]string{"b": "2", "a": "1", ivs.IdempotencyTag: "t", "aws:x": "y"},
		Recording: &ivs.AutoRecording{StorageConfigurationARN: storageARN, MediaTypes: []string{"NONE"}}})
	if len(f.Tags) != 2 || f.Tags[0].Key != "a" || f.StorageARN != storageARN || f.MediaType != "NONE" {
		t.Errorf("%+v", f)
	}
	if f := StageFormOf(ivs.Stage{}); f.StorageARN != "" || f.MediaType != ivs.DefaultRecordingMedia {
		t.Errorf("no recording: %+v", f)
	}
}

func TestTokenFormEveryRule(t *testing.T) {
	v := url.Values{FieldUserID: {"tester"}, "attr_key": {"role"}, "attr_value": {"host"}, "capability": {"SUBSCRIBE"}, FieldDuration: {" 60 "}}
	f := ParseTokenForm(v)
	if errs := f.Validate(); errs.Any() {
		t.Fatalf("valid form refused: %v", errs)
	}
	in := f.Input()
	if in.UserID != "tester" || in.Attributes["role"] != "host" || len(in.Capabilities) != 1 || in.Capabilities[0] != "SUBSCRIBE" || in.DurationMinutes != 60 {
		t.Errorf("input %+v", in)
	}
	if nf := NewTokenForm(); !nf.Publish || !nf.Subscribe || nf.Duration != "720" {
		t.Errorf("defaults %+v", nf)
	}
	cases := []struct {
		field, words string
		edit         func(url.Values)
	}{
		{FieldUserID, "at most 128", func(v url.Values) { v.Set(FieldUserID, strings.Repeat("u", 129)) }},
		{FieldAttributes, "1 KB", func(v url.Values) { v.Set("attr_key", "k"); v.Set("attr_value", strings.Repeat("x", 1100)) }},
		{FieldCapabilities, "publish, subscribe", func(v url.Values) { v.Del("capability") }},
		{FieldCapabilities, "publish, subscribe", func(v url.Values) { v.Set("capability", "ADMIN") }},
		{FieldDuration, "12 hours", func(v url.Values) { v.Set(FieldDuration, "") }},
		{FieldDuration, "whole number", func(v url.Values) { v.Set(FieldDuration, "1.5") }},
		{FieldDuration, "1 to 20160", func(v url.Values) { v.Set(FieldDuration, "0") }},
		{FieldDuration, "1 to 20160", func(v url.Values) { v.Set(FieldDuration, "20161") }},
	}
	for _, tc := range cases {
		v := url.Values{FieldUserID: {"tester"}, "capability": {"PUBLISH"}, FieldDuration: {"60"}}
		tc.edit(v)
		f := ParseTokenForm(v)
		if errs := f.Validate(); !strings.Contains(errs[tc.field], tc.words) {
			t.Errorf("%s: %v", tc.field, errs)
		}
	}
}

func TestBulkDisconnectForm(t *testing.T) {
	b, errs := ParseBulkDisconnect(url.Values{"participant": {"pA1", "pB2", "pA1"}, "reason": {" rehearsal over "}}, 50)
	if errs.Any() || len(b.IDs) != 2 || b.Reason != "rehearsal over" {
		t.Fatalf("%+v %v", b, errs)
	}
	for _, tc := range []struct {
		v            url.Values
		field, words string
	}{
		{url.Values{"reason": {"x"}}, FieldParticipants, "at least one"},
		{url.Values{"participant": {"../etc"}, "reason": {"x"}}, FieldParticipants, "not a participant id"},
		{url.Values{"participant": {"p1", "p2", "p3"}, "reason": {"x"}}, FieldParticipants, "at most 2"},
		{url.Values{"participant": {"p1"}}, "reason", "Say why"},
		{url.Values{"participant": {"p1"}, "reason": {strings.Repeat("r", 129)}}, "reason", "128"},
	} {
		if _, errs := ParseBulkDisconnect(tc.v, 2); !strings.Contains(errs[tc.field], tc.words) {
			t.Errorf("%v: %v", tc.v, errs)
		}
	}
}

func FuzzParseStageForms(f *testing.F) {
	f.Add("name=a&tag_key=t&tag_value=u&storage_configuration_arn=" + url.QueryEscape(storageARN) + "&media_type=NONE&idempotency_key=" + NewToken())
	f.Add("storage_configuration_arn=arn:aws:ivs:eu-west-1:1:storage-configuration/x&media_type=%FF&tag_key=aws:x")
	f.Add("user_id=u&attr_key=k&attr_value=v&capability=PUBLISH&capability=subscribe&duration=20160")
	f.Add("duration=-1&capability=&participant=a&participant=a&participant=../x&reason=%00")
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		s := ParseStageForm(v)
		if errs := s.Validate("us-east-1", true); !errs.Any() {
			// What passes must be within the API's limits.
			if len(s.Name) > ivs.MaxStageNameLen || len(s.Tags) > ivs.MaxUserTags || len(s.StorageARN) > ivs.MaxStorageARNLen ||
				(s.Recording() != nil && len(s.Recording().MediaTypes) != 1) {
				t.Fatalf("accepted out-of-limit stage form %+v", s)
			}
		}
		tf := ParseTokenForm(v)
		if errs := tf.Validate(); !errs.Any() {
			in := tf.Input()
			if in.DurationMinutes < ivs.MinTokenDuration || in.DurationMinutes > ivs.MaxTokenDuration || len(in.Capabilities) == 0 ||
				len(in.UserID) > ivs.MaxUserIDLen || AttributesSize(tf.Attributes) > ivs.MaxAttributesLen {
				t.Fatalf("accepted out-of-limit token form %+v", in)
			}
		}
		b, errs := ParseBulkDisconnect(v, 50)
		if !errs.Any() {
			if len(b.IDs) == 0 || len(b.IDs) > 50 || b.Reason == "" {
				t.Fatalf("accepted %+v", b)
			}
			for _, id := range b.IDs {
				if !ivs.ValidID(id) || len(id) > ivs.MaxParticipantID {
					t.Fatalf("accepted id %q", id)
				}
			}
		}
	})
}
