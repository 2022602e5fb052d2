package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime/types"
)

func TestThrottlingWithoutRetries(t *testing.T) {
	v := newEnv(t, SeedEmpty, func(o *Options) { o.Faults = Faults{Throttle: true} })
	c := v.client("us-east-1", noRetries)
	var ok, throttled int
	for range 20 {
		_, err := c.ListStages(ctx(), &ivsrealtime.ListStagesInput{})
		switch {
		case err == nil:
			ok++
		case errCode(err) == "ThrottlingException":
			throttled++
			if retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) != aws.TrueTernary {
				t.Fatalf("the SDK does not see a throttle: %v", err)
			}
		default:
			t.Fatalf("unexpected %v", err)
		}
	}
	if ok < DefaultTPS || throttled == 0 {
		t.Fatalf("ok %d throttled %d", ok, throttled)
	}
	// Buckets are per operation and per region.
	must(c.ListIngestConfigurations(ctx(), &ivsrealtime.ListIngestConfigurationsInput{}))
	must(v.client("eu-west-1", noRetries).ListStages(ctx(), &ivsrealtime.ListStagesInput{}))
}

func TestThrottlingWithStandardRetryer(t *testing.T) {
	v := newEnv(t, SeedEmpty, func(o *Options) { o.Faults = Faults{TPS: 5} })
	c := v.client("us-east-1", func(o *ivsrealtime.Options) {
		o.RetryMaxAttempts = 0 // the SDK default: standard retryer, 3 attempts
		o.Retryer = nil
	})
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.ListStages(ctx(), &ivsrealtime.ListStagesInput{})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	var ok int
	for err := range errs {
		if err == nil {
			ok++
			continue
		}
		if errCode(err) != "ThrottlingException" {
			t.Fatalf("a burst either succeeds after retries or reports a throttle, got %v", err)
		}
	}
	if ok < 5 {
		t.Fatalf("only %d of 12 succeeded", ok)
	}
}

func TestInjectedFaults(t *testing.T) {
	v := newEnv(t, SeedDemo)
	c := v.client("us-east-1", noRetries)
	stage, _ := v.stageNamed("us-east-1", "studio-a")

	v.e.SetFaults(Faults{AccessDenied: true})
	_, err := c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: &stage})
	var ad *types.AccessDeniedException
	if !errors.As(err, &ad) || *ad.ExceptionMessage == "" {
		t.Fatalf("access denied: %v", err)
	}

	v.e.SetFaults(Faults{ErrorRate: 1})
	_, err = c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: &stage})
	if errCode(err) != "InternalServerException" {
		t.Fatalf("5xx: %v", err)
	}
	_, err = c.ListTagsForResource(ctx(), &ivsrealtime.ListTagsForResourceInput{ResourceArn: &stage})
	var ise *types.InternalServerException
	if !errors.As(err, &ise) {
		t.Fatalf("typed 5xx where the model lists it: %v", err)
	}

	v.e.SetFaults(Faults{ThrottleRate: 1})
	_, err = c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: &stage})
	if errCode(err) != "ThrottlingException" {
		t.Fatalf("throttle rate: %v", err)
	}

	v.e.SetFaults(Faults{SpikeRate: 1, Spike: 50 * time.Millisecond})
	spiked := time.Now()
	if _, err = c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: &stage}); err != nil || time.Since(spiked) < 50*time.Millisecond {
		t.Fatalf("spike: %v after %v", err, time.Since(spiked))
	}

	v.e.SetFaults(Faults{Latency: 60 * time.Millisecond, Jitter: 10 * time.Millisecond})
	start := time.Now()
	must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: &stage}))
	if d := time.Since(start); d < 60*time.Millisecond {
		t.Fatalf("latency not added: %v", d)
	}
	// Latency honours the client's context.
	v.e.SetFaults(Faults{Latency: 5 * time.Second})
	cctx, cancel := context.WithTimeout(ctx(), 50*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = c.GetStage(cctx, &ivsrealtime.GetStageInput{Arn: &stage})
	if err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("slow call not cancelled: %v after %v", err, time.Since(start))
	}
	v.e.SetFaults(Faults{})
	must(c.GetStage(ctx(), &ivsrealtime.GetStageInput{Arn: &stage}))
}

func TestAdminAPI(t *testing.T) {
	v := newEnv(t, SeedDemo)
	code, body := v.admin("GET", "faults", "")
	if code != 200 || !strings.Contains(body, `"tps":0`) {
		t.Fatalf("GET faults: %d %s", code, body)
	}
	code, body = v.admin("PUT", "faults", `{"latency":"15ms","jitter":5,"throttle":true,"operationTps":{"GetStage":1},"errorRate":0.25,"accessDenied":false}`)
	if code != 200 {
		t.Fatalf("PUT faults: %d %s", code, body)
	}
	f := v.e.Faults()
	if f.Latency != 15*time.Millisecond || f.Jitter != 5*time.Millisecond || !f.Throttle || f.OperationTPS["GetStage"] != 1 || f.ErrorRate != 0.25 {
		t.Fatalf("faults %+v", f)
	}
	if f.rate("GetStage") != 1 || f.rate("ListStages") != DefaultTPS || f.rate("CreateParticipantToken") != 50 || f.rate("TagResource") != 10 {
		t.Fatalf("rates: %v %v %v %v", f.rate("GetStage"), f.rate("ListStages"), f.rate("CreateParticipantToken"), f.rate("TagResource"))
	}
	var round Faults
	if err := json.Unmarshal([]byte(body), &round); err != nil || round.Latency != f.Latency {
		t.Fatalf("round trip %s: %v", body, err)
	}
	for _, bad := range []string{`{"errorRate":2}`, `{"latency":"soon"}`, `{"tps":-1}`, `not json`} {
		if code, _ := v.admin("PUT", "faults", bad); code != 400 {
			t.Errorf("PUT %s accepted", bad)
		}
	}
	v.e.SetFaults(Faults{})

	// Reset rebuilds the demo world.
	c := v.client("us-east-1")
	must(c.CreateStage(ctx(), &ivsrealtime.CreateStageInput{Name: aws.String("extra")}))
	if code, _ := v.admin("POST", "reset", ""); code != 200 {
		t.Fatal("reset")
	}
	for _, s := range must(c.ListStages(ctx(), &ivsrealtime.ListStagesInput{})).Stages {
		if *s.Name == "extra" {
			t.Fatal("reset kept an API-created stage")
		}
	}
	if code, _ := v.admin("POST", "step", ""); code != 200 {
		t.Fatal("step")
	}
	if code, _ := v.admin("GET", "nothing", ""); code != 404 {
		t.Fatal("unknown admin path")
	}
	if code, body := v.admin("POST", "publish", `{"streamKey":"rt_nope"}`); code != 409 || !strings.Contains(body, "INVALID_STREAM_KEY") {
		t.Fatalf("bad key: %d %s", code, body)
	}
	// Faults never apply to the admin API.
	v.e.SetFaults(Faults{AccessDenied: true})
	if code, _ := v.admin("GET", "faults", ""); code != 200 {
		t.Fatal("admin API denied")
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, o := range []Options{{Seed: "nope"}, {AccountID: "12"}, {Faults: Faults{ErrorRate: 1.5}}, {Faults: Faults{ThrottleRate: -0.1}}, {Faults: Faults{SpikeRate: 2}}, {Faults: Faults{Latency: -1}}} {
		if _, err := New(o); err == nil {
			t.Errorf("accepted %+v", o)
		}
	}
}
