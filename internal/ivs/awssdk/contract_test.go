package awssdk_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/greenroom-dev/greenroom/internal/emulator"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/awssdk"
)

// Contract tests: the Service through the real SDK, over HTTP, against the
// emulator, exactly as the console runs.

const region = ivs.Region("us-east-1")

func newService(t *testing.T, seed string, client *http.Client) (*awssdk.Service, *emulator.Emulator) {
	t.Helper()
	emu, err := emulator.New(emulator.Options{Seed: seed, RandSeed: 7})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(func() { srv.Close(); emu.Close() })
	svc, err := awssdk.New(context.Background(), awssdk.Options{Regions: []ivs.Region{region, "eu-west-1"}, Endpoint: srv.URL, HTTPClient: client})
	if err != nil {
		t.Fatal(err)
	}
	return svc, emu
}

func stageARN(t *testing.T, svc ivs.Service) string {
	t.Helper()
	page, err := svc.ListStages(context.Background(), region, ivs.ListQuery{})
	if err != nil || len(page.Items) == 0 {
		t.Fatalf("ListStages: %v (%d stages)", err, len(page.Items))
	}
	return page.Items[0].ARN
}

func TestAccountAndStages(t *testing.T) {
	svc, emu := newService(t, "demo", nil)
	ctx := context.Background()
	acct, err := svc.AccountID(ctx)
	if err != nil || acct != emu.AccountID() {
		t.Fatalf("AccountID = %q, %v; want %q", acct, err, emu.AccountID())
	}
	page, err := svc.ListStages(ctx, region, ivs.ListQuery{MaxResults: 2})
	if err != nil || len(page.Items) != 2 || page.NextToken == "" {
		t.Fatalf("ListStages page of 2: %d items, token %q, %v", len(page.Items), page.NextToken, err)
	}
	st, err := svc.GetStage(ctx, region, page.Items[0].ARN)
	if err != nil || st.Endpoints.RTMPS == "" || st.ID == "" || st.Name != page.Items[0].Name {
		t.Fatalf("GetStage: %+v, %v", st, err)
	}
	_, err = svc.GetStage(ctx, region, ivs.StageARN(region, acct, "doesNotExist1"))
	if !ivs.IsNotFound(err) {
		t.Fatalf("unknown stage: %v, want not found", err)
	}
	if _, err := svc.ListStages(ctx, "ap-south-1", ivs.ListQuery{}); ivs.KindOf(err) != ivs.KindNotFound {
		t.Fatalf("unconfigured region: %v", err)
	}
}

func TestIngestLifecycleKeepsKeysOutOfEverythingButReveal(t *testing.T) {
	svc, _ := newService(t, "demo", nil)
	ctx := context.Background()
	stage := stageARN(t, svc)

	_, err := svc.CreateIngestConfiguration(ctx, region, ivs.CreateIngestInput{Protocol: ivs.ProtocolRTMP, StageARN: stage})
	var de *ivs.Error
	if !errors.As(err, &de) || de.Kind != ivs.KindValidation || de.Message == "" {
		t.Fatalf("RTMP without insecureIngest: %v, want a validation error with a message", err)
	}

	created, err := svc.CreateIngestConfiguration(ctx, region, ivs.CreateIngestInput{
		Name: "contract-redundant", Protocol: ivs.ProtocolRTMPS, StageARN: stage, RedundantIngest: true,
		Attributes: map[string]string{"camera": "1"}, IdempotencyKey: "k-lifecycle",
	})
	if err != nil {
		t.Fatal(err)
	}
	if !created.RedundantIngest || len(created.Credentials) != 2 || created.Credentials[0].ParticipantID == "" {
		t.Fatalf("created: %+v", created)
	}
	if !created.StreamKey.IsZero() || !created.Credentials[0].StreamKey.IsZero() {
		t.Fatal("create returned a stream key to the console")
	}
	got, err := svc.GetIngestConfiguration(ctx, region, created.ARN)
	if err != nil || !got.StreamKey.IsZero() || got.Attributes["camera"] != "1" {
		t.Fatalf("get: %+v, %v", got, err)
	}
	revealed, err := svc.RevealStreamKeys(ctx, region, created.ARN)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(revealed.Credentials[0].StreamKey.Reveal(), "rt_") || revealed.Credentials[0].StreamKey.Reveal() == revealed.Credentials[1].StreamKey.Reveal() {
		t.Fatalf("revealed keys: %q %q", revealed.Credentials[0].StreamKey.Reveal(), revealed.Credentials[1].StreamKey.Reveal())
	}

	// Changing only the stage must keep redundant ingest on.
	page, _ := svc.ListStages(ctx, region, ivs.ListQuery{})
	other := page.Items[1].ARN
	updated, err := svc.UpdateIngestConfiguration(ctx, region, ivs.UpdateIngestInput{ARN: created.ARN, StageARN: other, RedundantIngest: true})
	if err != nil || updated.StageARN != other || !updated.RedundantIngest || len(updated.Credentials) != 2 {
		t.Fatalf("update stage only: %+v, %v", updated, err)
	}
	off, err := svc.UpdateIngestConfiguration(ctx, region, ivs.UpdateIngestInput{ARN: created.ARN, StageARN: other})
	if err != nil || off.RedundantIngest || len(off.Credentials) != 0 {
		t.Fatalf("turning redundancy off: %+v, %v", off, err)
	}

	list, err := svc.ListIngestConfigurations(ctx, region, ivs.IngestQuery{StageARN: other})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, ic := range list.Items {
		found = found || ic.ARN == created.ARN
		if !ic.Summary || !ic.StreamKey.IsZero() {
			t.Fatalf("list item carries secrets or is not a summary: %+v", ic)
		}
	}
	if !found {
		t.Fatal("filtered list misses the configuration")
	}
	if _, err := svc.ListIngestConfigurations(ctx, region, ivs.IngestQuery{StageARN: other, State: ivs.IngestActive}); ivs.KindOf(err) != ivs.KindValidation {
		t.Fatalf("two filters: %v, want validation", err)
	}

	if err := svc.DeleteIngestConfiguration(ctx, region, created.ARN, false); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.GetIngestConfiguration(ctx, region, created.ARN); !ivs.IsNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}
}

func TestActiveConfigurationConflicts(t *testing.T) {
	svc, _ := newService(t, "demo", nil)
	ctx := context.Background()
	active, err := svc.ListIngestConfigurations(ctx, region, ivs.IngestQuery{State: ivs.IngestActive})
	if err != nil || len(active.Items) == 0 {
		t.Fatalf("the demo world has no ACTIVE configuration: %v", err)
	}
	ic := active.Items[0]
	_, err = svc.UpdateIngestConfiguration(ctx, region, ivs.UpdateIngestInput{ARN: ic.ARN, StageARN: ic.StageARN, RedundantIngest: ic.RedundantIngest})
	if ivs.KindOf(err) != ivs.KindConflict {
		t.Fatalf("update ACTIVE: %v, want conflict", err)
	}
	if err := svc.DeleteIngestConfiguration(ctx, region, ic.ARN, false); ivs.KindOf(err) != ivs.KindConflict {
		t.Fatalf("delete ACTIVE without force: %v, want conflict", err)
	}
	if err := svc.DeleteIngestConfiguration(ctx, region, ic.ARN, true); err != nil {
		t.Fatalf("force delete: %v", err)
	}
}

func TestSessionsParticipantsAndEvents(t *testing.T) {
	svc, _ := newService(t, "demo", nil)
	ctx := context.Background()
	page, _ := svc.ListStages(ctx, region, ivs.ListQuery{})
	var live ivs.Stage
	for _, s := range page.Items {
		if s.Live() {
			live = s
			break
		}
	}
	if !live.Live() {
		t.Fatal("no live stage in the demo world")
	}
	sess, err := svc.GetStageSession(ctx, region, live.ARN, live.ActiveSessionID)
	if err != nil || !sess.Live() || sess.StartTime.IsZero() {
		t.Fatalf("GetStageSession: %+v, %v", sess, err)
	}
	sessions, err := svc.ListStageSessions(ctx, region, live.ARN, ivs.ListQuery{})
	if err != nil || len(sessions.Items) == 0 {
		t.Fatalf("ListStageSessions: %v", err)
	}
	parts, err := svc.ListParticipants(ctx, region, ivs.ParticipantQuery{StageARN: live.ARN, SessionID: live.ActiveSessionID, PublishedOnly: true})
	if err != nil || len(parts.Items) == 0 {
		t.Fatalf("published participants: %d, %v", len(parts.Items), err)
	}
	for _, p := range parts.Items {
		if !p.Published {
			t.Fatalf("published filter returned %+v", p)
		}
	}
	p, err := svc.GetParticipant(ctx, region, live.ARN, live.ActiveSessionID, parts.Items[0].ID)
	if err != nil || !p.Detailed || p.ID != parts.Items[0].ID {
		t.Fatalf("GetParticipant: %+v, %v", p, err)
	}
	events, err := svc.ListParticipantEvents(ctx, region, live.ARN, live.ActiveSessionID, p.ID, ivs.ListQuery{})
	if err != nil || len(events.Items) == 0 || events.Items[0].Time.IsZero() {
		t.Fatalf("events: %+v, %v", events.Items, err)
	}
	_, err = svc.ListParticipants(ctx, region, ivs.ParticipantQuery{StageARN: live.ARN, SessionID: live.ActiveSessionID, PublishedOnly: true, State: ivs.ParticipantConnected})
	if ivs.KindOf(err) != ivs.KindValidation {
		t.Fatalf("two participant filters: %v", err)
	}
}

func TestUpstreamFaultsBecomeDomainErrors(t *testing.T) {
	svc, emu := newService(t, "demo", nil)
	ctx := context.Background()
	emu.SetFaults(emulator.Faults{AccessDenied: true})
	if _, err := svc.ListStages(ctx, region, ivs.ListQuery{}); ivs.KindOf(err) != ivs.KindAccessDenied {
		t.Fatalf("access denied: %v", err)
	}
	emu.SetFaults(emulator.Faults{ErrorRate: 1})
	if _, err := svc.ListStages(ctx, region, ivs.ListQuery{}); ivs.KindOf(err) != ivs.KindUnavailable {
		t.Fatalf("5xx: %v", err)
	}
	emu.SetFaults(emulator.Faults{Throttle: true, TPS: 0.001})
	var throttled error
	for range 5 {
		if _, err := svc.ListStages(ctx, region, ivs.ListQuery{}); err != nil {
			throttled = err
			break
		}
	}
	if ivs.KindOf(throttled) != ivs.KindThrottled || strings.Contains(throttled.Error(), "rt_") {
		t.Fatalf("throttled: %v", throttled)
	}
}

// losingTransport forwards requests but loses the response of the first
// CreateIngestConfiguration, as a network failure after IVS applied it.
type losingTransport struct {
	lost    atomic.Bool
	creates atomic.Int32
}

func (l *losingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if strings.HasSuffix(r.URL.Path, "/CreateIngestConfiguration") {
		l.creates.Add(1)
		if err == nil && l.lost.CompareAndSwap(false, true) {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return nil, errors.New("connection reset by peer")
		}
	}
	return resp, err
}

func TestCreateNeverDuplicates(t *testing.T) {
	lt := &losingTransport{}
	svc, _ := newService(t, "empty", &http.Client{Transport: lt})
	ctx := context.Background()
	in := ivs.CreateIngestInput{Name: "lost-response", Protocol: ivs.ProtocolRTMPS, IdempotencyKey: "k-lost"}

	// The first response is lost: the service must find what IVS made
	// instead of making a second one.
	first, err := svc.CreateIngestConfiguration(ctx, region, in)
	if err != nil {
		t.Fatalf("create with a lost response: %v", err)
	}
	// A double submit, concurrently, with the same key.
	var wg sync.WaitGroup
	arns := make([]string, 5)
	for i := range arns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ic, err := svc.CreateIngestConfiguration(ctx, region, in)
			if err != nil {
				t.Error(err)
			}
			arns[i] = ic.ARN
		}()
	}
	wg.Wait()
	for _, a := range arns {
		if a != first.ARN {
			t.Fatalf("double submit made %s, first was %s", a, first.ARN)
		}
	}
	list, err := svc.ListIngestConfigurations(ctx, region, ivs.IngestQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 1 {
		t.Fatalf("%d configurations exist after one create with a lost response and a double submit, want 1", len(list.Items))
	}
	if lt.creates.Load() != 1 {
		t.Fatalf("CreateIngestConfiguration sent %d times, want 1 (the reconciliation should have found it)", lt.creates.Load())
	}
}
