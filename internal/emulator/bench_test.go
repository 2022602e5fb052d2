package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ivsrealtime"
)

// BenchmarkListParticipants measures one page of 100 participants of the
// 5,000+ participant demo session, straight through ServeHTTP; each
// iteration follows the nextToken, wrapping around at the end.
func BenchmarkListParticipants(b *testing.B) {
	e, err := New(Options{Seed: SeedDemo, RandSeed: 42, Clock: NewFakeClock(testEpoch)})
	if err != nil {
		b.Fatal(err)
	}
	v := &env{e: e}
	stage, session := v.stageNamedB(b, "main-stage-keynote")
	base := `{"stageArn":"` + stage + `","sessionId":"` + session + `","maxResults":100`
	token := ""
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body := base + token + "}"
		req := httptest.NewRequest(http.MethodPost, "/ListParticipants", strings.NewReader(body))
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
		var out struct {
			NextToken string `json:"nextToken"`
		}
		// Only the token is needed; skip decoding the page.
		if j := strings.LastIndex(rec.Body.String(), `"nextToken":"`); j >= 0 {
			_ = json.Unmarshal([]byte("{"+rec.Body.String()[j:]), &out)
		}
		token = ""
		if out.NextToken != "" {
			token = `,"nextToken":"` + out.NextToken + `"`
		}
	}
}

// BenchmarkListParticipantsSDK is the same through the real SDK client over loopback HTTP.
func BenchmarkListParticipantsSDK(b *testing.B) {
	e, err := New(Options{Seed: SeedDemo, RandSeed: 42, Clock: NewFakeClock(testEpoch)})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(e)
	defer srv.Close()
	v := &env{e: e, srv: srv}
	stage, session := v.stageNamedB(b, "main-stage-keynote")
	c := v.client("us-east-1")
	var token *string
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := c.ListParticipants(ctx(), &ivsrealtime.ListParticipantsInput{StageArn: &stage, SessionId: &session, MaxResults: aws.Int32(100), NextToken: token})
		if err != nil {
			b.Fatal(err)
		}
		token = out.NextToken
	}
}

func (v *env) stageNamedB(b *testing.B, name string) (string, string) {
	v.e.mu.Lock()
	defer v.e.mu.Unlock()
	for _, st := range v.e.worlds["us-east-1"].stages {
		if st.name == name {
			return st.arn, st.active.id
		}
	}
	b.Fatal("no stage")
	return "", ""
}

// TestDemoWorldMemory bounds what the demo world costs the process that
// embeds it (the console's memory budget is small).
func TestDemoWorldMemory(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	e, err := New(Options{Seed: SeedDemo, RandSeed: 42, Clock: NewFakeClock(testEpoch)})
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	grown := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("demo world heap: %.1f MB", float64(grown)/(1<<20))
	if grown > 12<<20 {
		t.Fatalf("demo world takes %d bytes of heap", grown)
	}
	runtime.KeepAlive(e)
}
