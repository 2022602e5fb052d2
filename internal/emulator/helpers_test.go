package emulator

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
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

// client is the real SDK client for a region, retries off unless asked.
func (v *env) client(region string, opts ...func(*ivsrealtime.Options)) *ivsrealtime.Client {
	o := ivsrealtime.Options{
		Region:           region,
		BaseEndpoint:     aws.String(v.srv.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		RetryMaxAttempts: 1,
	}
	for _, f := range opts {
		f(&o)
	}
	return ivsrealtime.New(o)
}

func ctx() context.Context { return context.Background() }

// must unwraps a call that must succeed; a failure panics, failing the test with a stack.
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("unexpected error: %v", err))
	}
	return v
}
