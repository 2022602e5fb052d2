package ivs

import (
	"strings"
	"testing"
)

func TestParseARN(t *testing.T) {
	good := "arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf123456"
	a, err := ParseARN(good, ResourceStage)
	if err != nil || a.Region != "us-east-1" || a.Account != "123456789012" || a.ID != "AbCdEf123456" || a.String() != good {
		t.Fatalf("%+v %v", a, err)
	}
	for _, bad := range []string{
		"", "arn:aws:ivs:us-east-1:123456789012:ingest-configuration/AbC", "arn:aws:s3:us-east-1:123456789012:stage/AbC",
		"arn:aws:ivs:moon:123456789012:stage/AbC", "arn:aws:ivs:us-east-1:12:stage/AbC", "arn:aws:ivs:us-east-1:123456789012:stage/",
		"arn:aws:ivs:us-east-1:123456789012:stage/a/b", "arn:aws:ivs:us-east-1:123456789012:stage/" + strings.Repeat("a", 120),
	} {
		if _, err := ParseARN(bad, ResourceStage); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func FuzzParseARN(f *testing.F) {
	f.Add("arn:aws:ivs:us-east-1:123456789012:stage/AbCdEf123456", "stage")
	f.Add("arn:aws:ivs:eu-west-1:123456789012:ingest-configuration/x-1", "ingest-configuration")
	f.Add("arn:aws-cn:ivs:cn-north-1:123456789012:stage/../..", "stage")
	f.Add(":::::/", "")
	f.Fuzz(func(t *testing.T, s, resource string) {
		a, err := ParseARN(s, resource)
		if err != nil {
			return
		}
		// What parses must round-trip and satisfy the API's limits.
		if a.String() != s || len(s) > MaxARNLength || !ValidID(a.ID) || !ValidRegion(string(a.Region)) {
			t.Fatalf("ParseARN(%q) = %+v", s, a)
		}
	})
}

func TestRedactStreamKeys(t *testing.T) {
	in := "bad key rt_123456789012_us-east-1_AbCdEf123456_SeCrEt0123 in text"
	if got := RedactStreamKeys(in); got != "bad key [stream key] in text" {
		t.Errorf("got %q", got)
	}
	if got := RedactStreamKeys("nothing secret"); got != "nothing secret" {
		t.Errorf("got %q", got)
	}
}
