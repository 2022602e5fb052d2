package web

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
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

// browseWorld holds the fake's data; tests change it between requests.
type browseWorld struct {
	mu           sync.Mutex
	participants []ivs.Participant
	sessionEnded bool
	// pageOverride, when > 0, makes ListParticipants return this many rows
	// per page whatever MaxResults says (weight tests).
	pageOverride int
	queries      []ivs.ParticipantQuery
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
	w := &browseWorld{}
	a := ivs.Participant{ID: bEncA, UserID: "program", State: ivs.ParticipantDisconnected, Published: true, FirstJoinTime: bT0,
		RecordingState: "STOPPED", RedundantIngest: true, IngestConfigurationARN: bRedARN}
	b := a
	b.ID, b.State, b.RecordingState = bEncB, ivs.ParticipantConnected, "ACTIVE"
	w.participants = append(w.participants, a, b)
	for i := range max(0, n-2) {
		w.participants = append(w.participants, participantN(i+1))
	}
	return w
}

func (w *browseWorld) list(q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.queries = append(w.queries, q)
	var match []ivs.Participant
	for _, p := range w.participants {
		switch {
		case q.State != "" && p.State != q.State,
			q.PublishedOnly && !p.Published,
			q.UserID != "" && p.UserID != q.UserID,
			q.RecordingState != "" && p.RecordingState != q.RecordingState:
			continue
		}
		match = append(match, p)
	}
	off := 0
	if q.NextToken != "" {
		o, err := strconv.Atoi(strings.TrimPrefix(q.NextToken, "o"))
		if err != nil || !strings.HasPrefix(q.NextToken, "o") {
			return ivs.Page[ivs.Participant]{}, ivstest.Err(ivs.KindValidation, "ListParticipants", "the pagination token is invalid")
		}
		off = o
	}
	size := int(q.MaxResults)
	if size == 0 {
		size = 50
	}
	if w.pageOverride > 0 {
		size = w.pageOverride
	}
	off = min(off, len(match))
	end := min(off+size, len(match))
	page := ivs.Page[ivs.Participant]{Items: append([]ivs.Participant(nil), match[off:end]...)}
	if end < len(match) {
		page.NextToken = "o" + strconv.Itoa(end)
	}
	return page, nil
}

func (w *browseWorld) lastQuery() ivs.ParticipantQuery {
	w.mu.Lock()
	defer w.mu.Unlock()
	// The redundancy panel also lists publishers: return the last query
	// that was not that one.
	for i := len(w.queries) - 1; i >= 0; i-- {
		if !(w.queries[i].PublishedOnly && w.queries[i].MaxResults == 100) {
			return w.queries[i]
		}
	}
	return ivs.ParticipantQuery{}
}

func (w *browseWorld) set(fn func(ps []ivs.Participant) []ivs.Participant) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.participants = fn(w.participants)
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

// browseFake answers like IVS for the browse world.
func browseFake(w *browseWorld) *ivstest.Fake {
	return &ivstest.Fake{
		GetStageFn: func(_ context.Context, _ ivs.Region, arn string) (ivs.Stage, error) {
			if arn != bStageARN {
				return ivs.Stage{}, ivstest.Err(ivs.KindNotFound, "GetStage", "stage not found")
			}
			st := browseStage()
			w.mu.Lock()
			if w.sessionEnded {
				st.ActiveSessionID = ""
			}
			w.mu.Unlock()
			return st, nil
		},
		GetStageSessionFn: func(_ context.Context, _ ivs.Region, arn, id string) (ivs.StageSession, error) {
			if arn != bStageARN {
				return ivs.StageSession{}, ivstest.Err(ivs.KindNotFound, "GetStageSession", "stage not found")
			}
			switch id {
			case bSessionID:
				s := ivs.StageSession{ID: bSessionID, StartTime: bT0}
				w.mu.Lock()
				if w.sessionEnded {
					s.EndTime = bT0.Add(2 * time.Hour)
				}
				w.mu.Unlock()
				return s, nil
			case bOldSessID:
				return ivs.StageSession{ID: bOldSessID, StartTime: bT0.Add(-48 * time.Hour), EndTime: bT0.Add(-47 * time.Hour)}, nil
			}
			return ivs.StageSession{}, ivstest.Err(ivs.KindNotFound, "GetStageSession", "session not found")
		},
		ListStageSessionsFn: func(_ context.Context, _ ivs.Region, arn string, q ivs.ListQuery) (ivs.Page[ivs.StageSession], error) {
			if q.NextToken == "older" {
				return ivs.Page[ivs.StageSession]{Items: []ivs.StageSession{{ID: bOldSessID, StartTime: bT0.Add(-48 * time.Hour), EndTime: bT0.Add(-47 * time.Hour)}}}, nil
			}
			return ivs.Page[ivs.StageSession]{Items: []ivs.StageSession{{ID: bSessionID, StartTime: bT0}}, NextToken: "older"}, nil
		},
		ListParticipantsFn: func(_ context.Context, _ ivs.Region, q ivs.ParticipantQuery) (ivs.Page[ivs.Participant], error) {
			if q.StageARN != bStageARN || (q.SessionID != bSessionID && q.SessionID != bOldSessID) {
				return ivs.Page[ivs.Participant]{}, ivstest.Err(ivs.KindValidation, "ListParticipants", "no such session")
			}
			return w.list(q)
		},
		GetParticipantFn: func(_ context.Context, _ ivs.Region, arn, sess, id string) (ivs.Participant, error) {
			w.mu.Lock()
			defer w.mu.Unlock()
			for _, p := range w.participants {
				if p.ID == id && arn == bStageARN && sess == bSessionID {
					p.Detailed = true
					return p, nil
				}
			}
			return ivs.Participant{}, ivstest.Err(ivs.KindNotFound, "GetParticipant", "participant not found")
		},
		ListParticipantEventsFn: func(_ context.Context, _ ivs.Region, _, _, id string, q ivs.ListQuery) (ivs.Page[ivs.ParticipantEvent], error) {
			if id == bEncA {
				drop := bT0.Add(90 * time.Minute)
				return ivs.Page[ivs.ParticipantEvent]{Items: []ivs.ParticipantEvent{
					{Name: "JOINED", Time: bT0}, {Name: "PUBLISH_STARTED", Time: bT0},
					{Name: "PUBLISH_ERROR", ErrorCode: "BITRATE_EXCEEDED", Time: drop},
					{Name: "PUBLISH_STOPPED", Time: drop}, {Name: "LEFT", Time: drop},
				}}, nil
			}
			return ivs.Page[ivs.ParticipantEvent]{Items: []ivs.ParticipantEvent{{Name: "JOINED", Time: bT0}, {Name: "PUBLISH_STARTED", Time: bT0}}}, nil
		},
		ListIngestConfigurationsFn: func(_ context.Context, _ ivs.Region, q ivs.IngestQuery) (ivs.Page[ivs.IngestConfiguration], error) {
			if q.StageARN != bStageARN {
				return ivs.Page[ivs.IngestConfiguration]{}, nil
			}
			return ivs.Page[ivs.IngestConfiguration]{Items: browseConfigs()}, nil
		},
		GetIngestConfigurationFn: func(_ context.Context, _ ivs.Region, arn string) (ivs.IngestConfiguration, error) {
			for _, c := range browseConfigs() {
				if c.ARN == arn {
					c.Summary = false
					if c.RedundantIngest {
						c.Credentials = []ivs.RedundantCredential{{ParticipantID: bEncA}, {ParticipantID: bEncB}}
					}
					return c, nil
				}
			}
			return ivs.IngestConfiguration{}, ivstest.Err(ivs.KindNotFound, "GetIngestConfiguration", "not found")
		},
	}
}

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
