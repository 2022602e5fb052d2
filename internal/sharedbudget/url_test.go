package sharedbudget

import (
	"context"
	"strings"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/redistest"
)

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"redis://127.0.0.1:6379/0":                    "redis://127.0.0.1:6379/0",
		"redis://:s3cret@redis.internal:6379/2":       "redis://:xxxxx@redis.internal:6379/2",
		"rediss://greenroom:s3cret@redis.internal/0":  "rediss://greenroom:xxxxx@redis.internal/0",
		"redis://greenroom:s%2F3cret@h/0?pool_size=3": "redis://greenroom:xxxxx@h/0?pool_size=3",
		"redis://h/0?password=s3cret":                 "redis://h/0?password=xxxxx",
		"redis://u:s3cret@h:bad port/0":               "redis://xxxxx@h:bad port/0",
		"u:s3cret@h":                                  "xxxxx@h",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseURLErrorsHideThePassword(t *testing.T) {
	for _, u := range []string{
		"redis://u:s3cret@h:bad/0",         // url.Parse quotes the URL
		"redis://u:s3cret@h:6379/db",       // go-redis: invalid database
		"redis://u:s3cret@h:6379/0?x=1",    // go-redis: unexpected option
		"http://u:s3cret@h:6379/0",         // scheme
		"redis://u:s3\"cr\\et@h:bad/0",     // quoting changes the password
		"redis://u:s3cret@h/0?pool_size=a", // option value
	} {
		_, err := ParseURL(u)
		if err == nil {
			t.Errorf("%s: no error", u)
			continue
		}
		if msg := err.Error(); strings.Contains(msg, "s3") || !strings.Contains(msg, "xxxxx") {
			t.Errorf("%s: %s", u, msg)
		}
	}
	o, err := ParseURL("rediss://u:s3cret@redis.internal:6380/3")
	if err != nil || o.Password != "s3cret" || o.Username != "u" || o.DB != 3 || o.TLSConfig == nil || !o.ContextTimeoutEnabled || o.MaxRetries != -1 {
		t.Fatalf("%+v %v", o, err)
	}
	if o, _ := ParseURL("redis://h/0?max_retries=2"); o.MaxRetries != 2 {
		t.Errorf("max_retries from the URL overridden: %d", o.MaxRetries)
	}
}

// A wrong password is a Redis failure like any other: the budget falls
// back, and neither Status nor the log shows the password.
func TestPasswordNeverShown(t *testing.T) {
	srv := redistest.New(t, "--requirepass", "right-pa55")
	ctx := context.Background()
	wrong, logs := newBudget(t, client(t, "redis://:wr0ng-pa55@"+srv.Addr+"/0"), Options{Pool: "t-password", Replicas: 2})
	if !wrong.Allow(ctx, region, "GetStage", Limit{Rate: 10, Burst: 2}) {
		t.Fatal("refused while falling back")
	}
	s := wrong.Status()
	if s.Mode != Fallback || s.LastError == "" {
		t.Fatalf("wrong password: %+v", s)
	}
	for _, text := range []string{s.LastError, logs.String()} {
		if strings.Contains(text, "pa55") {
			t.Errorf("password shown: %s", text)
		}
	}
	t.Logf("status: %+v", s)

	right, _ := newBudget(t, client(t, "redis://:right-pa55@"+srv.Addr+"/0"), Options{Pool: "t-password2", Replicas: 2})
	right.Allow(ctx, region, "GetStage", Limit{Rate: 10, Burst: 2})
	if s := right.Status(); s.Mode != Shared {
		t.Fatalf("right password: %+v", s)
	}
}
