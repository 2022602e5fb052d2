package emulator

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
)

func (v *env) cueCompositions(region string) []cueCompositionOut {
	v.t.Helper()
	code, body := v.admin("GET", "compositions?region="+region, "")
	if code != 200 {
		v.t.Fatalf("list: %d %s", code, body)
	}
	var out struct{ Compositions []cueCompositionOut }
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		v.t.Fatal(err)
	}
	return out.Compositions
}

// The demo world seeds a healthy composition of the keynote and one of the
// EU news desk, each to a channel and S3, with an encoder and a storage
// configuration per region.
func TestDemoProgramOutput(t *testing.T) {
	v := newEnv(t, SeedDemo)
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		c := v.client(region)
		comps := must(c.ListCompositions(ctx(), &ivsrealtime.ListCompositionsInput{})).Compositions
		if len(comps) != 1 || comps[0].State != "ACTIVE" || len(comps[0].Destinations) != 2 {
			t.Fatalf("%s: %+v", region, comps)
		}
		full := must(c.GetComposition(ctx(), &ivsrealtime.GetCompositionInput{Arn: comps[0].Arn})).Composition
		if full.Destinations[0].Configuration.Channel == nil || full.Destinations[1].Configuration.S3 == nil ||
			aws.ToString(full.Destinations[1].Detail.S3.RecordingPrefix) == "" {
			t.Fatalf("%s destinations: %+v", region, full.Destinations)
		}
		if n := len(must(c.ListEncoderConfigurations(ctx(), &ivsrealtime.ListEncoderConfigurationsInput{})).EncoderConfigurations); n != 1 {
			t.Fatalf("%s: %d encoder configurations", region, n)
		}
	}
}

// The EU news desk's channel destination reconnects for 16 s every 90 s;
// the keynote's never does.
func TestSimulatedDestinationReconnects(t *testing.T) {
	v := newEnv(t, SeedDemo)
	seen := map[string]bool{}
	for tick := int64(1); tick <= destFlapPeriod; tick++ {
		v.stepTo(tick)
		eu := v.cueCompositions("eu-west-1")[0].Destinations
		seen[eu[0].State] = true
		if eu[1].State != "ACTIVE" {
			t.Fatalf("tick %d: the S3 destination %s", tick, eu[1].State)
		}
		if us := v.cueCompositions("us-east-1")[0].Destinations[0]; us.State != "ACTIVE" {
			t.Fatalf("tick %d: the keynote's channel %s", tick, us.State)
		}
	}
	if !seen["RECONNECTING"] || !seen["ACTIVE"] {
		t.Fatalf("states seen: %v", seen)
	}
}

func TestCueDestinationFailAndRecover(t *testing.T) {
	v := newEnv(t, SeedDemo)
	comp := v.cueCompositions("us-east-1")[0]
	var out cueCompositionOut
	v.cue("composition/destination/fail", fmt.Sprintf(`{"composition":%q,"destination":"program-channel"}`, comp.Arn), &out)
	if d := out.Destinations[0]; d.State != "RECONNECTING" || !d.Held {
		t.Fatalf("after fail: %+v", d)
	}
	got := must(v.client("us-east-1").GetComposition(ctx(), &ivsrealtime.GetCompositionInput{Arn: &comp.Arn})).Composition
	if got.Destinations[0].State != "RECONNECTING" || got.State != "ACTIVE" {
		t.Fatalf("through the API: %s %s", got.State, got.Destinations[0].State)
	}
	if code, msg := v.adminFailure("POST", "composition/destination/fail", fmt.Sprintf(`{"composition":%q}`, comp.Arn)); code != 409 {
		t.Fatalf("failing it twice: %d %s", code, msg)
	}
	v.cue("composition/destination/recover", fmt.Sprintf(`{"composition":%q,"destination":"program-channel"}`, comp.Arn), &out)
	if d := out.Destinations[0]; d.State != "ACTIVE" || d.Held {
		t.Fatalf("after recover: %+v", d)
	}
	v.cue("composition/destination/fail", fmt.Sprintf(`{"composition":%q,"destination":"program-archive","state":"FAILED"}`, comp.Arn), &out)
	if out.Destinations[1].State != "FAILED" {
		t.Fatalf("FAILED on cue: %+v", out.Destinations[1])
	}
	for _, bad := range []struct {
		body string
		code int
	}{
		{fmt.Sprintf(`{"composition":%q,"state":"BROKEN"}`, comp.Arn), 400},
		{`{"composition":"NoSuchComp1"}`, 404},
		{fmt.Sprintf(`{"composition":%q,"destination":"nope"}`, comp.Arn), 404},
	} {
		if code, msg := v.adminFailure("POST", "composition/destination/fail", bad.body); code != bad.code {
			t.Fatalf("%s: %d %s, want %d", bad.body, code, msg, bad.code)
		}
	}
}

// A destination failed on cue stays failed through the simulator's script.
func TestCueHeldDestinationSurvivesTheScript(t *testing.T) {
	v := newEnv(t, SeedDemo)
	comp := v.cueCompositions("eu-west-1")[0]
	v.cue("composition/destination/fail", fmt.Sprintf(`{"composition":%q}`, comp.Arn), nil)
	for tick := int64(1); tick <= 2*destFlapPeriod; tick++ {
		v.stepTo(tick)
		if d := v.cueCompositions("eu-west-1")[0].Destinations[0]; d.State != "RECONNECTING" {
			t.Fatalf("tick %d: %s", tick, d.State)
		}
	}
}
