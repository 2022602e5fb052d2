package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/greenroom-dev/greenroom/internal/auth"
	"github.com/greenroom-dev/greenroom/internal/console"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

func detailedParticipant() ivs.Participant {
	return ivs.Participant{
		ID: "replica000001", UserID: "maya.chen", State: ivs.ParticipantConnected, FirstJoinTime: bT0, Published: true,
		RecordingState: "ACTIVE", ReplicationType: "REPLICA", ReplicationState: "ACTIVE",
		SourceStageARN: "arn:aws:ivs:eu-west-1:123456789012:stage/SrcStage0001", SourceSessionID: "st-SOURCESESSIO1",
		IngestConfigurationARN: bRedARN, RedundantIngest: true,
		Detailed: true, Attributes: map[string]string{"role": "speaker", "displayName": "Maya"},
		ISPName: "Example Telecom", OSName: "macOS", OSVersion: "15.1", BrowserName: "Chrome", BrowserVersion: "131",
		SDKVersion: "1.20.0", RecordingS3BucketName: "rec-bucket", RecordingS3Prefix: "stage/abc/", Protocol: "RTMPS",
	}
}

func TestParticipantPageShowsEveryFieldAndTheWholeTimeline(t *testing.T) {
	w := newBrowseWorld(3)
	fake := browseFake(w)
	fake.GetParticipantFn = func(context.Context, ivs.Region, string, string, string) (ivs.Participant, error) {
		return detailedParticipant(), nil
	}
	// Three pages of events; an error on the second.
	fake.ListParticipantEventsFn = func(_ context.Context, _ ivs.Region, _, _, _ string, q ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
		switch q.NextToken {
		case "":
			return ivs.Page[ivs.ParticipantEvent]{Items: []ivs.ParticipantEvent{{Name: "JOINED", Time: bT0}}, NextToken: "e2"}, nil
		case "e2":
			return ivs.Page[ivs.ParticipantEvent]{Items: []ivs.ParticipantEvent{{Name: "PUBLISH_ERROR", ErrorCode: "B_FRAME_PRESENT", Time: bT0.Add(time.Minute)}}, NextToken: "e3"}, nil
		}
		return ivs.Page[ivs.ParticipantEvent]{Items: []ivs.ParticipantEvent{{Name: "SUBSCRIBE_STARTED", RemoteParticipantID: bEncB, Time: bT0.Add(2 * time.Minute)}}}, nil
	}
	s := newTestServer(t, fake, identityWith(auth.RoleViewer))
	r := s.get(bSessPath + "/participants/replica000001")
	if r.Code != http.StatusOK {
		t.Fatalf("status %d", r.Code)
	}
	if n := fake.Calls("ListParticipantEvents"); n != 3 {
		t.Errorf("%d event pages fetched, want all 3", n)
	}
	d := r.doc(t)
	txt := d.Find("main").Text()
	for _, want := range []string{"maya.chen", "Example Telecom", "macOS 15.1", "Chrome 131", "1.20.0", "RTMPS", "s3://rec-bucket/stage/abc/",
		"displayName", "Maya", "speaker", "Replica (ACTIVE)", "IVS does not say which"} {
		if !strings.Contains(txt, want) {
			t.Errorf("participant page lacks %q", want)
		}
	}
	if d.Find(`a[href="/r/eu-west-1/stages/SrcStage0001/sessions/st-SOURCESESSIO1/participants/replica000001"]`).Length() != 1 {
		t.Error("no link to the replica's source")
	}
	if d.Find(`a[href="/r/us-east-1/ingest-configurations/`+bRedID+`"]`).Length() != 1 {
		t.Error("no link to the ingest configuration")
	}
	rows := d.Find("#events tbody tr")
	if rows.Length() != 3 {
		t.Fatalf("%d events shown", rows.Length())
	}
	errRow := rows.Eq(1)
	if !errRow.HasClass("row-error") || !strings.Contains(errRow.Text(), "B_FRAME_PRESENT") || !strings.Contains(errRow.Text(), "turn B-frames off") {
		t.Errorf("error event not highlighted and explained: %q", errRow.Text())
	}
	if rows.Eq(2).Find(`a[href="`+bSessPath+`/participants/`+bEncB+`"]`).Length() != 1 {
		t.Error("remote participant not linked")
	}
	if d.Find("#events time[title]").Length() != 3 || d.Find("#events caption").Length() != 1 {
		t.Error("event times lack the exact UTC title, or the table its caption")
	}
	// A viewer sees no disconnect action.
	if d.Find(`form[action$="/disconnect"]`).Length() != 0 {
		t.Error("a viewer is offered the disconnect action")
	}
	// Breadcrumb back to the session and stage.
	if d.Find(`nav[aria-label=Breadcrumb] a[href="`+bSessPath+`"]`).Length() != 1 {
		t.Error("no breadcrumb to the session")
	}
}

func TestParticipantTimelineIsBounded(t *testing.T) {
	fake := browseFake(newBrowseWorld(3))
	fake.ListParticipantEventsFn = func(_ context.Context, _ ivs.Region, _, _, _ string, q ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
		n, _ := strconv.Atoi(q.NextToken)
		return ivs.Page[ivs.ParticipantEvent]{Items: []ivs.ParticipantEvent{{Name: "TOKEN_EXCHANGED", Time: bT0}}, NextToken: strconv.Itoa(n + 1)}, nil
	}
	s := newTestServer(t, fake, identityWith(auth.RoleViewer))
	r := s.get(bSessPath + "/participants/" + bEncB)
	if r.Code != http.StatusOK || fake.Calls("ListParticipantEvents") != console.MaxEventPages || !strings.Contains(r.body, "longer than Greenroom follows") {
		t.Errorf("status %d, %d pages", r.Code, fake.Calls("ListParticipantEvents"))
	}
}

// The participant page names things: the stage by its name in the
// breadcrumb (ids stay in the details), the ingest configuration by its
// name, linked; a FAILED recording says what to check; an operator's
// disconnect card comes after the details; the stage and the configuration
// are the session page's cached reads.
func TestParticipantPageNamesTheStageAndConfigurationAndExplainsAFailedRecording(t *testing.T) {
	w := newBrowseWorld(3)
	fake := browseFake(w)
	w.set(func(ps []ivs.Participant) []ivs.Participant {
		ps[1].RecordingState, ps[1].RecordingS3BucketName, ps[1].RecordingS3Prefix = "FAILED", "rec-bucket", "x/"
		return ps
	})
	s := newTestServer(t, fake, identityWith(auth.RoleOperator))
	r := s.get(bSessPath + "/participants/" + bEncB)
	if r.Code != http.StatusOK {
		t.Fatalf("status %d", r.Code)
	}
	d := r.doc(t)
	crumbs := d.Find(`nav[aria-label=Breadcrumb] a`)
	if got := crumbs.Eq(1).Text(); got != "main-stage-keynote" {
		t.Errorf("stage crumb %q, want the stage's name", got)
	}
	if got := crumbs.Eq(2).Text(); got != "Session "+bSessionID {
		t.Errorf("session crumb %q", got)
	}
	details := d.Find("#pt-h").Parent()
	for _, id := range []string{bStageID, bSessionID} {
		if !strings.Contains(details.Text(), id) {
			t.Errorf("the details do not show the id %s", id)
		}
	}
	cfg := details.Find(`a[href="/r/us-east-1/ingest-configurations/` + bRedID + `"]`)
	if cfg.Text() != "program-redundant" || !strings.Contains(cfg.Parent().Text(), bRedID) {
		t.Errorf("configuration link %q in %q", cfg.Text(), cfg.Parent().Text())
	}
	failed := d.Find("[data-recording-failed]")
	for _, want := range []string{"could not record", "storage-configuration/Store1", "bucket policy", "Object Ownership", "us-east-1"} {
		if !strings.Contains(failed.Text(), want) {
			t.Errorf("FAILED recording explanation lacks %q: %q", want, failed.Text())
		}
	}
	if failed.Find(`a[href^="https://docs.aws.amazon.com/ivs/"]`).Length() != 1 {
		t.Error("no link to AWS's guide")
	}
	sections := d.Find("main section")
	di, ci := -1, -1
	sections.Each(func(i int, sel *goquery.Selection) {
		switch sel.AttrOr("aria-labelledby", "") {
		case "pt-h":
			di = i
		case "dc-h":
			ci = i
		}
	})
	if ci < 0 || di < 0 || ci < di {
		t.Errorf("disconnect card at %d, details at %d: want it below", ci, di)
	}
	if !strings.Contains(d.Find("title").Text(), "main-stage-keynote") {
		t.Errorf("title %q", d.Find("title").Text())
	}

	// Without the stage's name (it could not be read) the ids stand in.
	fake.GetStageFn = func(context.Context, ivs.Region, string) (ivs.Stage, error) {
		return ivs.Stage{}, &ivs.Error{Kind: ivs.KindUnavailable, Message: "down"}
	}
	r = s.get(bSessPath + "/participants/" + bEncB)
	if r.Code != http.StatusOK || r.doc(t).Find(`nav[aria-label=Breadcrumb] a`).Eq(1).Text() != bStageID {
		t.Errorf("without the stage: status %d", r.Code)
	}
}

// A replication event links to the session it went to when the console
// shows that region.
func TestParticipantEventsLinkTheReplicationDestination(t *testing.T) {
	fake := browseFake(newBrowseWorld(3))
	fake.ListParticipantEventsFn = func(context.Context, ivs.Region, string, string, string, ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
		return ivs.Page[ivs.ParticipantEvent]{Items: []ivs.ParticipantEvent{
			{Name: "REPLICATION_STARTED", Time: bT0, DestinationStageARN: "arn:aws:ivs:eu-west-1:123456789012:stage/DstStage0001", DestinationSessionID: "st-DESTINATION01"},
			{Name: "REPLICATION_STARTED", Time: bT0, DestinationStageARN: "arn:aws:ivs:ap-south-1:123456789012:stage/FarStage0001", DestinationSessionID: "st-DESTINATION02"},
		}}, nil
	}
	d := newTestServer(t, fake, identityWith(auth.RoleViewer)).get(bSessPath + "/participants/" + bEncB).doc(t)
	if d.Find(`#events a[href="/r/eu-west-1/stages/DstStage0001/sessions/st-DESTINATION01"]`).Length() != 1 {
		t.Error("no link to the destination session")
	}
	if d.Find(`#events a[href*="ap-south-1"]`).Length() != 0 || !strings.Contains(d.Find("#events").Text(), "FarStage0001") {
		t.Error("a region the console does not show is linked, or not named")
	}
}
