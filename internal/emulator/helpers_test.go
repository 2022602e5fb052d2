package emulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
	"github.com/aws/smithy-go"
)

// testEpoch is the fake "now" of every test world.
var testEpoch = time.Date(2026, 4, 20, 15, 0, 0, 0, time.UTC)

type env struct {
	t     *testing.T
	e     *Emulator
	clock *FakeClock
	srv   *httptest.Server
}

func newEnv(t *testing.T, seed string, opts ...func(*Options)) *env {
	t.Helper()
	clock := NewFakeClock(testEpoch)
	o := Options{Seed: seed, RandSeed: 42, Clock: clock}
	for _, f := range opts {
		f(&o)
	}
	e, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(func() { srv.Close(); e.Close() })
	return &env{t, e, clock, srv}
}

// client is the real SDK client for a region, with the SDK's standard
// retryer: against a loopback server that answers within microseconds the Go
// SDK occasionally loses a large response ("use of closed network
// connection", aws/aws-sdk-go-v2#1825) and retries it. Tests about errors
// pass noRetries.
func (v *env) client(region string, opts ...func(*ivsrealtime.Options)) *ivsrealtime.Client {
	o := ivsrealtime.Options{
		Region:           region,
		BaseEndpoint:     aws.String(v.srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		RetryMaxAttempts: 3,
	}
	for _, f := range opts {
		f(&o)
	}
	return ivsrealtime.New(o)
}

// noRetries makes every error reach the test on the first attempt.
func noRetries(o *ivsrealtime.Options) { o.RetryMaxAttempts = 1 }

func ctx() context.Context { return context.Background() }

// must unwraps a call that must succeed; a failure panics, failing the test with a stack.
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("unexpected error: %v", err))
	}
	return v
}

// stageNamed finds a demo stage by name (test-only peek at the state).
func (v *env) stageNamed(region, name string) (arn, activeSession string) {
	v.e.mu.Lock()
	defer v.e.mu.Unlock()
	for _, st := range v.e.worlds[region].stages {
		if st.name == name {
			if st.active != nil {
				activeSession = st.active.id
			}
			return st.arn, activeSession
		}
	}
	v.t.Fatalf("no stage %q in %s", name, region)
	return "", ""
}

// ingestNamed returns a demo configuration by name.
func (v *env) ingestNamed(region, name string) *ingestConfig {
	v.e.mu.Lock()
	defer v.e.mu.Unlock()
	for _, c := range v.e.worlds[region].ingests {
		if c.name == name {
			return c
		}
	}
	v.t.Fatalf("no ingest configuration %q in %s", name, region)
	return nil
}

// admin posts to the admin API and returns the status and body.
func (v *env) admin(method, path, body string) (int, string) {
	v.t.Helper()
	req, _ := http.NewRequest(method, v.srv.URL+"/_emulator/"+path, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (v *env) publish(region, key string) {
	v.t.Helper()
	if code, body := v.admin("POST", "publish", fmt.Sprintf(`{"region":%q,"streamKey":%q}`, region, key)); code != 200 {
		v.t.Fatalf("publish: %d %s", code, body)
	}
}

// raw posts a body to an operation, unsigned (region us-east-1).
func (v *env) raw(op, body string) (*http.Response, string) {
	v.t.Helper()
	resp, err := http.Post(v.srv.URL+"/"+op, "application/json", strings.NewReader(body))
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// errCode is the AWS error code of err, "" if none.
func errCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
