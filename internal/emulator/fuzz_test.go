package emulator

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
)

var fuzzEmu *Emulator

// fuzzOps are the paths the fuzzer aims at, picked by a byte.
func fuzzOps() []string {
	ops := make([]string, 0, len(operations))
	for name := range operations {
		if !strings.Contains(name, "Tag") {
			ops = append(ops, "/"+name)
		}
	}
	sort.Strings(ops)
	return append(ops, "/tags/arn%3Aaws%3Aivs%3Aus-east-1%3A123456789012%3Astage%2FabcdABCDefgh", "/tags/x", "/Nope")
}

// FuzzRequest feeds arbitrary bodies (and paths, methods, regions) to the
// handler: it must never panic, and must always answer either 200 with a
// JSON object or a well-formed AWS error (type header, JSON body with
// __type and message) with the model's status for that type, never a 5xx.
func FuzzRequest(f *testing.F) {
	e, err := New(Options{Seed: SeedDemo, RandSeed: 1, Clock: NewFakeClock(testEpoch)})
	if err != nil {
		f.Fatal(err)
	}
	fuzzEmu = e
	ops := fuzzOps()
	f.Add(uint8(0), uint8(0), "us-east-1", []byte(`{"name":"fuzz-stage","tags":{"a":"b"}}`))
	f.Add(uint8(3), uint8(0), "eu-west-1", []byte(`{"ingestProtocol":"RTMP","insecureIngest":true,"redundantIngest":true,"attributes":{"k":"v"}}`))
	f.Add(uint8(9), uint8(0), "us-east-1", []byte(`{"stageArn":"arn:aws:ivs:us-east-1:123456789012:stage/x","sessionId":"st-0123456789abc","filterByPublished":true,"maxResults":100,"nextToken":"AAAA"}`))
	f.Add(uint8(12), uint8(1), "", []byte(`{"arn":null}`))
	f.Add(uint8(5), uint8(0), "mars-1", []byte(`[1,2,{"a":`))
	f.Add(uint8(200), uint8(2), "us-west-2", []byte("\xff\xfe{\"name\":\"\u0000\"}"))
	f.Fuzz(func(t *testing.T, opIdx, methodIdx uint8, region string, body []byte) {
		path := ops[int(opIdx)%len(ops)]
		method := []string{http.MethodPost, http.MethodGet, http.MethodDelete}[int(methodIdx)%3]
		req := httptest.NewRequest(method, path, strings.NewReader(string(body)))
		if region != "" {
			req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/"+region+"/ivs/aws4_request, SignedHeaders=host, Signature=00")
		}
		rec := httptest.NewRecorder()
		fuzzEmu.ServeHTTP(rec, req)
		checkResponse(t, rec)
	})
}

func checkResponse(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Header().Get("x-amzn-RequestId") == "" {
		t.Fatal("no request id")
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("status %d, body not a JSON object: %q", rec.Code, rec.Body.String())
	}
	if rec.Code == http.StatusOK {
		return
	}
	typ := rec.Header().Get("X-Amzn-ErrorType")
	want, known := errorStatus[typ]
	if !known || want != rec.Code || rec.Code >= 500 {
		t.Fatalf("status %d with error type %q: %s", rec.Code, typ, rec.Body.String())
	}
	if doc["__type"] != typ || doc["message"] == "" || doc["exceptionMessage"] != doc["message"] {
		t.Fatalf("malformed error body %s", rec.Body.String())
	}
}
