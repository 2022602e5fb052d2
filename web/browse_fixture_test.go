package web

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/ivs/ivstest"
)

// The browse tests' world: one live stage whose session holds n
// participants, a redundant ingest configuration with one encoder dropped
// (degraded) and a single-encoder configuration.
const (
	bStageID   = "AbCdEf123456"
	bStageARN  = "arn:aws:ivs:us-east-1:123456789012:stage/" + bStageID
	bSessionID = "st-ABCDEFGHIJKLM"
	bOldSessID = "st-OLDSESSION123"
	bRedID     = "RedCfg000001"
	bRedARN    = "arn:aws:ivs:us-east-1:123456789012:ingest-configuration/" + bRedID
	bGfxID     = "GfxCfg000001"
	bGfxARN    = "arn:aws:ivs:us-east-1:123456789012:ingest-configuration/" + bGfxID
	bEncA      = "encA00000001"
	bEncB      = "encB00000001"
	bSessPath  = "/r/us-east-1/stages/" + bStageID + "/sessions/" + bSessionID
)

var bT0 = time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)

// browseWorld is the browse tests' IVS: the shared fake seeded with the
// world above. Tests change it between requests.
type browseWorld struct {
	fake *ivstest.Fake
}

func participantN(i int) ivs.Participant {
	p := ivs.Participant{
		ID:             fmt.Sprintf("pt%010d", i),
		UserID:         "viewer-" + strconv.Itoa(100000+i),
		State:          ivs.ParticipantConnected,
		FirstJoinTime:  bT0.Add(time.Duration(i) * time.Second),
		RecordingState: "DISABLED",
	}
	if i%7 == 3 {
		p.State = ivs.ParticipantDisconnected
	}
	return p
}

func newBrowseWorld(n int) *browseWorld {
	f := &ivstest.Fake{}
	f.AddStage(browseStage())
	f.AddSession(bStageARN, ivs.StageSession{ID: bSessionID, StartTime: bT0})
	f.AddSession(bStageARN, ivs.StageSession{ID: bOldSessID, StartTime: bT0.Add(-48 * time.Hour), EndTime: bT0.Add(-47 * time.Hour)})
	a := ivs.Participant{ID: bEncA, UserID: "program", State: ivs.ParticipantDisconnected, Published: true, FirstJoinTime: bT0,
		RecordingState: "STOPPED", RedundantIngest: true, IngestConfigurationARN: bRedARN}
	b := a
	b.ID, b.State, b.RecordingState = bEncB, ivs.ParticipantConnected, "ACTIVE"
	ps := []ivs.Participant{a, b}
	for i := range max(0, n-2) {
		ps = append(ps, participantN(i+1))
	}
	f.SetParticipants(bStageARN, bSessionID, ps)
	for _, c := range browseConfigs() {
		c.Summary = false
		if c.RedundantIngest {
			c.Credentials = []ivs.RedundantCredential{{ParticipantID: bEncA}, {ParticipantID: bEncB}}
		}
		f.AddIngest(c)
	}
	// The stage page lists sessions 20 at a time: two pages are scripted.
	f.ListStageSessionsFn = func(_ context.Context, _ ivs.Region, arn string, q ivs.ListQuery) (ivs.Page[ivs.StageSession], error) {
		if q.NextToken == "older" {
			return ivs.Page[ivs.StageSession]{Items: []ivs.StageSession{{ID: bOldSessID, StartTime: bT0.Add(-48 * time.Hour), EndTime: bT0.Add(-47 * time.Hour)}}}, nil
		}
		s, err := f.GetStageSession(context.Background(), "us-east-1", arn, bSessionID)
		return ivs.Page[ivs.StageSession]{Items: []ivs.StageSession{s}, NextToken: "older"}, err
	}
	// Encoder A's timeline ends in a drop; everyone else joined and published.
	f.ListParticipantEventsFn = func(_ context.Context, _ ivs.Region, _, _, id string, q ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
		if id == bEncA {
			drop := bT0.Add(90 * time.Minute)
			return ivs.Page[ivs.ParticipantEvent]{Items: []ivs.ParticipantEvent{
				{Name: "JOINED", Time: bT0}, {Name: "PUBLISH_STARTED", Time: bT0},
				{Name: "PUBLISH_ERROR", ErrorCode: "BITRATE_EXCEEDED", Time: drop},
				{Name: "PUBLISH_STOPPED", Time: drop}, {Name: "LEFT", Time: drop},
			}}, nil
		}
		return ivs.Page[ivs.ParticipantEvent]{Items: []ivs.ParticipantEvent{{Name: "JOINED", Time: bT0}, {Name: "PUBLISH_STARTED", Time: bT0}}}, nil
	}
	return &browseWorld{fake: f}
}

// set changes the live session's participants.
func (w *browseWorld) set(fn func(ps []ivs.Participant) []ivs.Participant) {
	w.fake.UpdateParticipants(bStageARN, bSessionID, fn)
}

func (w *browseWorld) participants() []ivs.Participant {
	return w.fake.Participants(bStageARN, bSessionID)
}

// endSession ends the live session two hours after it started.
func (w *browseWorld) endSession() { w.fake.EndSession(bStageARN, bSessionID, bT0.Add(2*time.Hour)) }

// lastQuery is the last participant list asked for that was not the
// redundancy panel's list of publishers.
func (w *browseWorld) lastQuery() ivs.ParticipantQuery {
	qs := w.fake.ParticipantQueries()
	for i := len(qs) - 1; i >= 0; i-- {
		if !(qs[i].PublishedOnly && qs[i].MaxResults == 100) {
			return qs[i]
		}
	}
	return ivs.ParticipantQuery{}
}

func browseStage() ivs.Stage {
	return ivs.Stage{ARN: bStageARN, ID: bStageID, Name: "main-stage-keynote", ActiveSessionID: bSessionID,
		Tags: map[string]string{"team": "live-events", "env": "prod"},
		Endpoints: ivs.StageEndpoints{WHIP: "https://abc.global-bm.whip.live-video.net", RTMP: "rtmp://abc.global-contribute.live-video.net/app/",
			RTMPS: "rtmps://abc.global-contribute.live-video.net:443/app/", Events: "wss://global.events.live-video.net"},
		Recording: &ivs.AutoRecording{StorageConfigurationARN: "arn:aws:ivs:us-east-1:123456789012:storage-configuration/Store1", MediaTypes: []string{"AUDIO_VIDEO"}}}
}

func browseConfigs() []ivs.IngestConfiguration {
	return []ivs.IngestConfiguration{
		{ARN: bRedARN, ID: bRedID, Name: "program-redundant", Protocol: "RTMPS", StageARN: bStageARN, ParticipantID: "virt00000001", State: "ACTIVE", RedundantIngest: true, Summary: true},
		{ARN: bGfxARN, ID: bGfxID, Name: "graphics", Protocol: "RTMP", StageARN: bStageARN, ParticipantID: "gfx000000001", State: "INACTIVE", Summary: true},
	}
}

// browseFake is the browse world's IVS.
func browseFake(w *browseWorld) *ivstest.Fake { return w.fake }

// resolve turns a link found on a page into a path the test server serves
// (the session page links relative to itself).
func resolve(page, href string) string {
	base, _ := url.Parse(page)
	ref, err := url.Parse(href)
	if err != nil {
		return href
	}
	return base.ResolveReference(ref).RequestURI()
}
