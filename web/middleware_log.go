package web

import (
	"log/slog"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/greenroom-dev/greenroom/internal/metrics"
)

// accessLog logs one structured line per request and records its latency.
// It logs the route pattern and path, never bodies or form values: those
// are where a stream key could be.
func accessLog(h *handler) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			if err != nil {
				// Let the central handler write the response now so the
				// status below is the one the browser gets.
				c.Error(err)
			}
			status := c.Response().Status
			d := time.Since(start)
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			metrics.HTTPDuration.WithLabelValues(route, c.Request().Method, strconv.Itoa(status/100)+"xx").Observe(d.Seconds())
			level := slog.LevelInfo
			if status >= 500 {
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("request_id", requestID(c)),
				slog.String("method", c.Request().Method),
				slog.String("route", route),
				slog.String("path", c.Request().URL.Path),
				slog.Int("status", status),
				slog.Duration("duration", d),
				slog.Bool("htmx", isHTMX(c)),
			}
			attrs = append(attrs, slog.String("client", c.RealIP()))
			if up := upstreamRequestID(c); up != "" {
				attrs = append(attrs, slog.String("upstream_request_id", up))
			}
			if id, ok := identityOf(c); ok {
				// The verified name the audit log uses (e-mail, else
				// subject), never the display name: a proxy may pass a
				// client's name header through.
				attrs = append(attrs, slog.String("user", id.Actor()))
			}
			if err != nil && status >= 500 {
				attrs = append(attrs, slog.String("error", safeErrorText(err)))
			}
			h.Logger.LogAttrs(c.Request().Context(), level, "request", attrs...)
			return nil
		}
	}
}
