package web

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// streamingRoutes are the responses that stream for as long as their data
// lasts: the CSV exports (constant memory) and the board's server push
// (a keep-alive every 25 s). The server's WriteTimeout would cut them off,
// so they get a deadline per write instead.
var streamingRoutes = map[string]bool{
	"/r/:region/stages/:stageId/sessions/:sessionId/participants.csv": true,
	"/audit.csv":   true,
	boardStreamURL: true,
}

// streamDeadlines replaces, on streaming routes, the server's overall write
// deadline with one per write: each write (and flush) must finish within
// StreamWriteTimeout of its start, however long the stream runs. A reader
// that stops reading is still dropped. It must run before compress, so that
// it sees the connection's own writer.
func streamDeadlines(h *handler) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if !streamingRoutes[c.Path()] {
				return next(c)
			}
			res := c.Response()
			raw := res.Writer
			dw := &deadlineWriter{ResponseWriter: raw, rc: http.NewResponseController(raw), per: h.StreamWriteTimeout}
			dw.extend()
			res.Writer = dw
			defer func() {
				res.Writer = raw
				dw.extend() // time for the final flush after the handler returns
			}()
			return next(c)
		}
	}
}

// deadlineWriter pushes the connection's write deadline forward before
// every write and flush.
type deadlineWriter struct {
	http.ResponseWriter
	rc  *http.ResponseController
	per time.Duration
}

func (w *deadlineWriter) extend() { _ = w.rc.SetWriteDeadline(time.Now().Add(w.per)) }

func (w *deadlineWriter) Write(p []byte) (int, error) {
	w.extend()
	return w.ResponseWriter.Write(p)
}

func (w *deadlineWriter) Flush() {
	w.extend()
	_ = w.rc.Flush()
}

func (w *deadlineWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
