package config

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
)

// testKey is a session key for tests (not one byte repeated, which is refused).
const testKey = "3f9a1c7e5b2d48e0a6c4f1b9d7e2a5c83f9a1c7e5b2d48e0a6c4f1b9d7e2a5c8"

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsRunTheDemoOnLoopback(t *testing.T) {
	c, err := Load(nil, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:8080" || c.Backend != "emulator" || len(c.Regions) != 2 || c.Auth.Mode != "dev" || c.CallRate != 2 {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestFlagWinsOverEnvironment(t *testing.T) {
	c, err := Load([]string{"-ivs-call-rate", "1.5"}, env(map[string]string{"GREENROOM_IVS_CALL_RATE": "3", "GREENROOM_REGION": "eu-central-1", "GREENROOM_IVS_TIMEOUT": "4s"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.CallRate != 1.5 || len(c.Regions) != 1 || c.Regions[0] != "eu-central-1" || c.CallTimeout != 4*time.Second {
		t.Fatalf("got rate %v regions %v timeout %v", c.CallRate, c.Regions, c.CallTimeout)
	}
}

func TestWrongValuesStopWithOneClearLine(t *testing.T) {
	key := testKey
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-backend", "gcp"}, nil, `-backend (GREENROOM_BACKEND): "gcp" is not allowed (want emulator or aws)`},
		{[]string{"-region", "us-east-1,moon"}, nil, `-region (GREENROOM_REGION): "moon" is not a region code`},
		{[]string{"-addr", "8080"}, nil, `-addr (GREENROOM_ADDR): "8080" is not host:port`},
		{[]string{"-ivs-endpoint", "localhost:4566"}, nil, `-ivs-endpoint (GREENROOM_IVS_ENDPOINT)`},
		{[]string{"-ivs-call-rate", "9"}, nil, `outside (0, 5]`},
		{nil, map[string]string{"GREENROOM_IVS_CALL_RATE": "fast"}, `GREENROOM_IVS_CALL_RATE: "fast" is not a number`},
		{nil, map[string]string{"GREENROOM_IVS_TIMEOUT": "10"}, `GREENROOM_IVS_TIMEOUT: "10" is not a duration`},
		{[]string{"-auth", "proxy"}, nil, `-session-keys (GREENROOM_SESSION_KEYS): required outside dev mode`},
		{[]string{"-auth", "proxy", "-session-keys", "short"}, nil, `is not 32 or more bytes`},
		{[]string{"-log-level", "loud"}, nil, `-log-level (GREENROOM_LOG_LEVEL)`},
		{[]string{"-emulator-seed", "huge"}, nil, `-emulator-seed (GREENROOM_EMULATOR_SEED)`},
		{[]string{"-nope"}, nil, `flag provided but not defined: -nope`},
		{[]string{"extra"}, nil, `unexpected argument "extra"`},
		{[]string{"-cookie-secure", "maybe", "-session-keys", key}, nil, `-cookie-secure (GREENROOM_COOKIE_SECURE)`},
		{[]string{"-watch-call-rate", "0"}, nil, `-watch-call-rate (GREENROOM_WATCH_CALL_RATE): 0 is outside (0, 5]`},
		{[]string{"-watch-min-cadence", "100ms"}, nil, `-watch-min-cadence (GREENROOM_WATCH_MIN_CADENCE): 100ms is outside 1s to 5m`},
		{[]string{"-replicas", "3"}, nil, `-replicas (GREENROOM_REPLICAS): 3 replicas need a shared store: set -database`},
		{[]string{"-replicas", "0"}, nil, `-replicas (GREENROOM_REPLICAS): 0 is outside 1 to 50`},
		{[]string{"-database", "mysql://u:hunter2@db/greenroom"}, nil, `-database (GREENROOM_DATABASE): not a PostgreSQL URL`},
		{nil, map[string]string{"GREENROOM_REDIS_URL": "http://:hunter2@cache:6379"}, `-redis-url (GREENROOM_REDIS_URL): not a Redis URL`},
		{[]string{"-events-queue-url", "sqs://queue"}, nil, `-events-queue-url (GREENROOM_EVENTS_QUEUE_URL): "sqs://queue" is not a queue URL`},
		{[]string{"-events-queue-url", "https://queue.internal/1/q"}, nil, `the region of "https://queue.internal/1/q" cannot be told from its host: write region=URL`},
		{[]string{"-events-queue-url", "https://sqs.ap-south-1.amazonaws.com/1/q"}, nil, `ap-south-1 is not one of the regions shown`},
		{[]string{"-events-queue-url", "emulator", "-ivs-endpoint", "http://127.0.0.1:4566"}, nil, `"emulator" names the embedded emulator's queue`},
		{[]string{"-watch-reconcile-every", "1s"}, nil, `-watch-reconcile-every (GREENROOM_WATCH_RECONCILE_EVERY): 1s is outside 10s to 1h`},
	}
	for _, tc := range cases {
		_, err := Load(tc.args, env(tc.env))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%v %v: %v, want one line containing %q", tc.args, tc.env, err, tc.want)
		}
	}
}

func TestSessionKeysAcceptHexAndBase64(t *testing.T) {
	hexKey := testKey
	b64 := "q83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k="
	c, err := Load([]string{"-auth", "proxy", "-session-keys", hexKey + "," + b64}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.SessionKeys) != 2 || len(c.SessionKeys[0]) != 32 {
		t.Fatalf("keys: %d", len(c.SessionKeys))
	}
}

func TestReferenceListsEverySettingWithItsVariable(t *testing.T) {
	ref := ReferenceMarkdown()
	for _, s := range Reference() {
		if s.Env != EnvName(strings.TrimPrefix(s.Flag, "-")) || s.Help == "" {
			t.Errorf("setting %+v", s)
		}
		if !strings.Contains(ref, "`"+s.Flag+"`") {
			t.Errorf("reference lacks %s", s.Flag)
		}
	}
	if len(Reference()) < 30 {
		t.Errorf("only %d settings in the reference", len(Reference()))
	}
}

func TestDocsConfigurationMatchesTheCode(t *testing.T) {
	b, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), ReferenceMarkdown()) {
		t.Fatal("docs/configuration.md is out of date: run `make docs` and commit it")
	}
}

func TestBudgetsOverAWSQuotaAreSaid(t *testing.T) {
	c, err := Load(nil, env(nil))
	if err != nil || c.BudgetWarning() != "" {
		t.Fatalf("defaults (%v + %v): %q %v", c.CallRate, c.WatchRate, c.BudgetWarning(), err)
	}
	c, err = Load([]string{"-ivs-call-rate", "4.5", "-watch-call-rate", "1"}, env(nil))
	if err != nil || !strings.Contains(c.BudgetWarning(), "more than the 5 calls per second") {
		t.Errorf("over the quota: %q %v", c.BudgetWarning(), err)
	}
}

// The deployment examples name only settings that exist, and the
// Kubernetes example sets what several replicas need.
func TestDeploymentExamplesUseRealSettings(t *testing.T) {
	known := map[string]bool{}
	for _, s := range Reference() {
		known[s.Env] = true
	}
	envRE := regexp.MustCompile(`GREENROOM_[A-Z_]+`)
	for _, f := range []string{"../../docs/deploy/kubernetes.yaml", "../../docs/deploy/greenroom.service"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range envRE.FindAllString(string(b), -1) {
			if !known[v] {
				t.Errorf("%s names %s, which is no setting", f, v)
			}
		}
	}
	k8s, _ := os.ReadFile("../../docs/deploy/kubernetes.yaml")
	for _, need := range []string{"GREENROOM_DATABASE", "GREENROOM_SESSION_KEYS", "GREENROOM_REPLICA_ID", "GREENROOM_REPLICAS", "kind: PodDisruptionBudget", "replicas: 3", "path: /readyz", "path: /healthz"} {
		if !strings.Contains(string(k8s), need) {
			t.Errorf("the Kubernetes example lacks %s", need)
		}
	}
}

func TestEventsQueuesByRegion(t *testing.T) {
	c, err := Load([]string{"-events-queue-url", "https://sqs.us-east-1.amazonaws.com/123456789012/ivs-events", "-events-queue-url", "eu-west-1=http://127.0.0.1:9324/123456789012/ivs-events"}, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.EventsQueues) != 2 || c.EventsQueues["us-east-1"] != "https://sqs.us-east-1.amazonaws.com/123456789012/ivs-events" || c.EventsQueues["eu-west-1"] != "http://127.0.0.1:9324/123456789012/ivs-events" {
		t.Errorf("queues %v", c.EventsQueues)
	}
	if c, err := Load([]string{"-events-queue-url", "emulator"}, env(nil)); err != nil || !c.EventsQueueEmulator {
		t.Errorf("emulator: %v %v", c, err)
	}
}
