// Package console is Greenroom's application layer, between the HTTP layer
// (web) and IVS (ivs.Service). It answers page queries (a stage page, a
// session page, a participant page, an ingest configuration…) by building
// ARNs from the ids of a URL, running independent calls in parallel, paging
// and judging redundancy; and it carries out commands that change IVS and
// write the audit record (create, update, delete, rotate, reveal,
// disconnect). It knows nothing of Echo or templ: its results are domain
// values, its failures domain errors, and it is tested on its own.
package console

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/greenroom-dev/greenroom/internal/audit"
	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Recorder writes an audit event durably before it returns (audit.Log
// does).
type Recorder interface {
	Record(ctx context.Context, e audit.Event) error
}

// Options are what the application layer is built from.
type Options struct {
	IVS ivs.Service
	// Audit may be nil: every audited command then refuses to act (no
	// record, no action).
	Audit   Recorder
	Regions []ivs.Region // the first is the default
	Now     func() time.Time
	Logger  *slog.Logger
	// Live, when set, is the watcher's model: pages take a live session's
	// redundancy from it instead of asking IVS again.
	Live Live
	// History, when set, is what the watcher recorded: timelines and charts.
	History History
}

// History is what pages read of the watcher's history.
type History interface {
	Query(ctx context.Context, f history.Filter) ([]history.Transition, error)
	Samples(ctx context.Context, stageARN, sessionID string, since time.Time) ([]history.Sample, error)
}

// Live is what the application layer needs of the watcher's model.
type Live interface {
	// Pairs are the judged redundant pairs of a stage's live session, ok
	// only when the model has a current view of that session.
	Pairs(region ivs.Region, stageARN, sessionID string) ([]ivs.Redundancy, bool)
}

// Console is the application layer. Its methods are safe for concurrent use.
type Console struct {
	ivs     ivs.Service
	audit   Recorder
	regions []ivs.Region
	now     func() time.Time
	log     *slog.Logger
	live    Live
	history History
}

// New builds the application layer.
func New(o Options) *Console {
	c := &Console{ivs: o.IVS, audit: o.Audit, regions: o.Regions, now: o.Now, log: o.Logger, live: o.Live, history: o.History}
	if c.now == nil {
		c.now = time.Now
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	return c
}

// Regions are the regions the console shows, the first being the default.
func (c *Console) Regions() []ivs.Region { return c.regions }

// Serves reports whether the console shows region r.
func (c *Console) Serves(r ivs.Region) bool { return slices.Contains(c.regions, r) }

// Now is the console's clock.
func (c *Console) Now() time.Time { return c.now() }
