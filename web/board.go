package web

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/watch"
	"github.com/greenroom-dev/greenroom/views"
)

// LiveModel is the watcher as the HTTP layer sees it: the live model and
// word of each new snapshot.
type LiveModel interface {
	Snapshot() *watch.Snapshot
	Subscribe() (<-chan struct{}, func())
}

const boardStreamURL = "/board/stream"

// livePairs lets the application layer read redundancy from the model.
type livePairs struct{ LiveModel }

func (l livePairs) Pairs(region ivs.Region, stageARN, sessionID string) ([]ivs.Redundancy, bool) {
	return l.Snapshot().Pairs(region, stageARN, sessionID)
}

// boardShow is the ops board: every live stage of every region, worst
// first, from the watcher's model (no IVS call of its own).
func (h *handler) boardShow(c echo.Context) error {
	snap, err := h.snapshot()
	if err != nil {
		return err
	}
	v := h.boardView(snap)
	p := h.page(c, views.BoardTitle(v.Problems), "board", "/stages")
	p.Icon, p.Refresh = views.ProblemIcon(v.Problems), 15
	return render(c, http.StatusOK, views.Board(p, v))
}

func (h *handler) snapshot() (*watch.Snapshot, error) {
	if h.Live == nil {
		return nil, &pageError{Status: http.StatusServiceUnavailable, Title: "The board is not running",
			Message: "This console was started without its watcher of live stages, so there is nothing to show here."}
	}
	return h.Live.Snapshot(), nil
}

// liveSnapshot is the watcher's model for health columns: an empty one
// when the console runs without a watcher (every health is unknown).
func (h *handler) liveSnapshot() *watch.Snapshot {
	if h.Live == nil {
		return &watch.Snapshot{}
	}
	return h.Live.Snapshot()
}

func (h *handler) boardView(snap *watch.Snapshot) views.BoardView {
	v := views.BoardView{Stages: snap.Live(), Problems: snap.Problems(), Now: h.Now(), StreamURL: boardStreamURL}
	for _, rg := range snap.Regions {
		br := views.BoardRegion{Region: string(rg.Region), SweptAt: rg.SweptAt, Cadence: rg.Cadence, ErrSince: rg.ErrSince,
			Events: rg.Events.On, EventsOK: rg.Events.Healthy, EventsWhy: rg.Events.Why, EventsLast: rg.Events.Last}
		if rg.Err != nil {
			br.Err = safeErrorText(rg.Err)
		}
		for _, st := range rg.Stages {
			if st.Session != nil {
				br.Live++
			} else {
				br.Idle++
			}
		}
		v.Regions = append(v.Regions, br)
	}
	return v
}

// boardStream pushes the board's body to the browser (server-sent events,
// htmx's SSE extension) each time the watcher publishes a snapshot. The
// body is rendered once per snapshot for every viewer: fifty open boards
// cost what one does, and none of it calls IVS.
func (h *handler) boardStream(c echo.Context) error {
	if _, err := h.snapshot(); err != nil {
		return err
	}
	changes, stop := h.Live.Subscribe()
	defer stop()
	res := c.Response()
	hdr := res.Header()
	hdr.Set(echo.HeaderContentType, "text/event-stream")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Accel-Buffering", "no") // nginx: pass events on at once
	res.WriteHeader(http.StatusOK)
	keepAlive := time.NewTicker(25 * time.Second)
	defer keepAlive.Stop()
	var sent *watch.Snapshot
	var sentAt time.Time
	for {
		// Push when the facts changed, and at least every 30 s so that
		// "seen … ago" stays true; a sweep that saw nothing new sends nothing.
		if snap := h.Live.Snapshot(); sent == nil || snap.Changed != sent.Changed || (snap.Version != sent.Version && time.Since(sentAt) >= boardRefresh) {
			if _, err := res.Write(h.boardEvent(snap)); err != nil {
				return nil
			}
			res.Flush()
			sent, sentAt = snap, time.Now()
		}
		select {
		case <-c.Request().Context().Done():
			return nil
		case <-h.closing:
			return nil
		case <-keepAlive.C:
			if _, err := res.Write([]byte(": keep-alive\n\n")); err != nil {
				return nil
			}
			res.Flush()
		case <-changes:
		}
	}
}

// boardRefresh is how often the board is pushed again when nothing but
// its freshness changed.
const boardRefresh = 30 * time.Second

// boardEvents caches the rendered event of the latest snapshot.
type boardEvents struct {
	mu      sync.Mutex
	version uint64
	event   []byte
}

// boardEvent is the SSE event carrying the board body of snap, rendered
// once per snapshot version.
func (h *handler) boardEvent(snap *watch.Snapshot) []byte {
	h.board.mu.Lock()
	defer h.board.mu.Unlock()
	if h.board.event != nil && h.board.version == snap.Version {
		return h.board.event
	}
	var body bytes.Buffer
	_ = views.BoardBody(h.boardView(snap)).Render(context.Background(), &body)
	var ev bytes.Buffer
	ev.WriteString("event: board\n")
	for _, line := range strings.Split(body.String(), "\n") {
		ev.WriteString("data: ")
		ev.WriteString(line)
		ev.WriteByte('\n')
	}
	ev.WriteByte('\n')
	h.board.version, h.board.event = snap.Version, ev.Bytes()
	return h.board.event
}
