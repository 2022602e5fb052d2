package main

import (
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/greenroom-dev/greenroom/internal/config"
	"github.com/greenroom-dev/greenroom/internal/emulator"
	"github.com/greenroom-dev/greenroom/internal/events"
	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/watch"
)

// eventFeeds are the regions' event queues: a consumer per region for each
// term of leadership (only the leader takes events off the queues).
type eventFeeds struct {
	queues  map[ivs.Region]string
	clients map[ivs.Region]events.SQSAPI
	log     *slog.Logger

	mu      sync.Mutex
	current map[ivs.Region]*events.Consumer
}

// newEventFeeds reads the queues of cfg (nil when there are none). awsCfg is
// the IVS clients' configuration (same credentials); endpoint is the
// emulator's address when the console talks to one.
func newEventFeeds(cfg *config.Config, awsCfg aws.Config, endpoint string, log *slog.Logger) *eventFeeds {
	queues := cfg.EventsQueues
	if cfg.EventsQueueEmulator {
		queues = map[ivs.Region]string{}
		for _, r := range cfg.Regions {
			queues[r] = strings.TrimSuffix(endpoint, "/") + "/" + emulator.DefaultAccountID + "/" + emulator.DefaultEventQueue
		}
	}
	if len(queues) == 0 {
		return nil
	}
	f := &eventFeeds{queues: queues, clients: map[ivs.Region]events.SQSAPI{}, log: log}
	for r, q := range queues {
		c := awsCfg.Copy()
		c.Region = string(r)
		override := ""
		if endpoint != "" && strings.HasPrefix(q, strings.TrimSuffix(endpoint, "/")) {
			override = endpoint
		}
		f.clients[r] = events.NewClient(c, override)
	}
	return f
}

// sources are this term's event sources for the watcher.
func (f *eventFeeds) sources() map[ivs.Region]watch.EventSource {
	if f == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.current = map[ivs.Region]*events.Consumer{}
	out := map[ivs.Region]watch.EventSource{}
	for r, q := range f.queues {
		c := events.New(f.clients[r], q, events.Options{Region: string(r), Logger: f.log.With(slog.String("region", string(r)))})
		f.current[r] = c
		out[r] = c
	}
	return out
}

// status is a line per region for /readyz (none without queues).
func (f *eventFeeds) status() []string {
	if f == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var lines []string
	for _, r := range slices.Sorted(maps.Keys(f.queues)) {
		c := f.current[r]
		if c == nil {
			lines = append(lines, "events "+string(r)+": read by the leader")
			continue
		}
		if ok, why := c.Healthy(); !ok {
			lines = append(lines, "events "+string(r)+": NOT RELIED ON, the watcher polls: "+why)
			continue
		}
		line := "events " + string(r) + ": live"
		if st := c.Status(); !st.LastEvent.IsZero() {
			line += ", last received " + st.LastEvent.UTC().Format(time.RFC3339)
		}
		lines = append(lines, line)
	}
	return lines
}
