package watch

import (
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/greenroom-dev/greenroom/internal/ivs"
	"github.com/greenroom-dev/greenroom/internal/metrics"
)

var protections = []ivs.Protection{ivs.Protected, ivs.Degraded, ivs.Down, ivs.Idle}

// destinationStates are the states the destination gauge has a series for.
var destinationStates = []string{ivs.CompositionStarting, ivs.CompositionActive, ivs.DestinationReconnecting, ivs.CompositionFailed, ivs.CompositionStopping}

// exported remembers, per region and gauge, the label sets set last time,
// so that series of stages and configurations that are gone are deleted
// (the label sets stay bounded by what exists) while the others are only
// updated: a series never blinks out between two scrapes, which would
// reset an alert's "for".
var exported = struct {
	sync.Mutex
	m map[string]map[*prometheus.GaugeVec]map[string][]string
}{m: map[string]map[*prometheus.GaugeVec]map[string][]string{}}

type gaugeSet struct {
	region string
	now    map[*prometheus.GaugeVec]map[string][]string
}

func (g *gaugeSet) set(v *prometheus.GaugeVec, value float64, labels ...string) {
	v.WithLabelValues(labels...).Set(value)
	if g.now[v] == nil {
		g.now[v] = map[string][]string{}
	}
	g.now[v][strings.Join(labels, "\x00")] = labels
}

// done deletes what was exported before and is not any more.
func (g *gaugeSet) done() {
	exported.Lock()
	defer exported.Unlock()
	for v, before := range exported.m[g.region] {
		for k, labels := range before {
			if _, still := g.now[v][k]; !still {
				v.DeleteLabelValues(labels...)
			}
		}
	}
	exported.m[g.region] = g.now
}

// exportMetrics sets the region's gauges from its model.
func exportMetrics(rg *Region) {
	region := string(rg.Region)
	if !rg.SweptAt.IsZero() {
		metrics.WatcherLastSweep.WithLabelValues(region).Set(float64(rg.SweptAt.UnixMilli()) / 1000)
	}
	metrics.WatcherCadence.WithLabelValues(region).Set(rg.Cadence.Seconds())
	if rg.Err != nil {
		return // the last facts stand; the sweep timestamp ages
	}
	g := &gaugeSet{region: region, now: map[*prometheus.GaugeVec]map[string][]string{}}
	live := 0
	for _, st := range rg.Stages {
		for _, p := range st.Pairs {
			for _, state := range protections {
				v := 0.0
				if p.Protection == state {
					v = 1
				}
				g.set(metrics.IngestProtection, v, region, st.Stage.ID, ivs.IDFromARN(p.Config.ARN), p.Config.DisplayName(), string(state))
			}
		}
		for _, o := range st.Outputs {
			for _, d := range o.Destinations {
				state := effectiveState(o, d)
				for _, s := range destinationStates {
					v := 0.0
					if state == s {
						v = 1
					}
					g.set(metrics.CompositionDestinationState, v, region, st.Stage.ID, ivs.IDFromARN(o.ARN), d.ID, d.Label(), destinationState(s))
				}
			}
		}
		if st.Session == nil {
			continue
		}
		live++
		labels := []string{region, st.Stage.ID, st.Stage.DisplayName()}
		g.set(metrics.StagePublishers, float64(st.Session.Publishers), labels...)
		if !st.Session.ConnectedAt.IsZero() {
			g.set(metrics.StageConnected, float64(st.Session.Connected), labels...)
			g.set(metrics.StageConnectedAge, rg.SweptAt.Sub(st.Session.ConnectedAt).Seconds(), labels...)
		}
	}
	g.done()
	metrics.WatcherLiveStages.WithLabelValues(region).Set(float64(live))
}
