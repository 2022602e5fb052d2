package console

import (
	"context"
	"errors"
	"time"

	"github.com/greenroom-dev/greenroom/internal/history"
	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// TimelineWindow is how far back the pages' timelines and charts look.
const TimelineWindow = 6 * time.Hour

// ErrNoHistory says the console runs without the watcher's history.
var ErrNoHistory = errors.New("no history is kept by this console")

// encoderHistory is what happened to a configuration's encoders and pair
// in the last TimelineWindow, newest first.
func (c *Console) encoderHistory(ctx context.Context, configARN string) ([]history.Transition, error) {
	if c.history == nil {
		return nil, ErrNoHistory
	}
	return c.history.Query(ctx, history.Filter{Subject: configARN, Kinds: []history.Kind{history.KindEncoder, history.KindPair},
		Since: c.now().Add(-TimelineWindow), Limit: history.MaxLimit})
}

// maxChartPoints bounds a chart: a point per few minutes over the window
// reads as well as one per sweep and keeps the fragment light.
const maxChartPoints = 72

// SessionChart is a session and its participant counts over the last
// TimelineWindow as the watcher recorded them, at most maxChartPoints
// (each the largest count of its stretch, so no peak is lost).
func (c *Console) SessionChart(ctx context.Context, ref Ref) (ivs.StageSession, []history.Sample, error) {
	arn, err := c.StageARN(ctx, ref.Region, ref.StageID)
	if err != nil {
		return ivs.StageSession{}, nil, err
	}
	sess, err := c.ivs.GetStageSession(ctx, ref.Region, arn, ref.SessionID)
	if err != nil {
		return ivs.StageSession{}, nil, missing(err, ResourceSession, ref, "")
	}
	if c.history == nil {
		return sess, nil, ErrNoHistory
	}
	samples, err := c.history.Samples(ctx, arn, ref.SessionID, c.now().Add(-TimelineWindow))
	return sess, thin(samples, maxChartPoints), err
}

// thin keeps at most n samples: the largest of each equal stretch.
func thin(ss []history.Sample, n int) []history.Sample {
	if len(ss) <= n {
		return ss
	}
	out := make([]history.Sample, 0, n)
	per := (len(ss) + n - 1) / n
	for i := 0; i < len(ss); i += per {
		top := ss[i]
		for _, s := range ss[i:min(i+per, len(ss))] {
			if s.Connected > top.Connected {
				top.Connected = s.Connected
			}
			top.Publishers = max(top.Publishers, s.Publishers)
		}
		out = append(out, top)
	}
	return out
}
