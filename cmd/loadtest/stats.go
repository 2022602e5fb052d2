package main

import (
	"bufio"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// percentile is the nearest-rank percentile (p in 0..100) of sorted
// durations: the smallest value that at least p% of the samples do not
// exceed. Zero for no samples.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	if p <= 0 {
		return sorted[0]
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	if rank > len(sorted) {
		rank = len(sorted)
	}
	return sorted[rank-1]
}

// sortedCopy returns ds sorted ascending, leaving ds alone.
func sortedCopy(ds []time.Duration) []time.Duration {
	out := slices.Clone(ds)
	slices.Sort(out)
	return out
}

// sample is one line of the Prometheus text exposition format.
type sample struct {
	Name   string
	Labels map[string]string
	Value  float64
}

// parseProm reads the Prometheus text format (what /metrics serves without
// content negotiation). Comments, blank lines and lines it cannot read are
// skipped: a load test must not die on a metric it does not care about.
func parseProm(text string) []sample {
	var out []sample
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		s, ok := parsePromLine(line)
		if ok {
			out = append(out, s)
		}
	}
	return out
}

func parsePromLine(line string) (sample, bool) {
	s := sample{}
	i := strings.IndexAny(line, "{ \t")
	if i <= 0 {
		return s, false
	}
	s.Name = line[:i]
	rest := line[i:]
	if rest[0] == '{' {
		labels, n, ok := parseLabels(rest)
		if !ok {
			return s, false
		}
		s.Labels = labels
		rest = rest[n:]
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return s, false
	}
	v, err := strconv.ParseFloat(fields[0], 64) // also +Inf, -Inf, NaN
	if err != nil {
		return s, false
	}
	s.Value = v
	return s, true
}

// parseLabels reads {a="x",b="y\"z"} at the start of s and returns the
// labels and how many bytes it consumed.
func parseLabels(s string) (map[string]string, int, bool) {
	labels := map[string]string{}
	i := 1 // past '{'
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == ',') {
			i++
		}
		if i >= len(s) {
			return nil, 0, false
		}
		if s[i] == '}' {
			return labels, i + 1, true
		}
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 {
			return nil, 0, false
		}
		name := strings.TrimSpace(s[i : i+eq])
		i += eq + 1
		if i >= len(s) || s[i] != '"' {
			return nil, 0, false
		}
		i++
		var b strings.Builder
		for {
			if i >= len(s) {
				return nil, 0, false
			}
			c := s[i]
			if c == '\\' && i+1 < len(s) {
				switch s[i+1] {
				case 'n':
					b.WriteByte('\n')
				default:
					b.WriteByte(s[i+1])
				}
				i += 2
				continue
			}
			if c == '"' {
				i++
				break
			}
			b.WriteByte(c)
			i++
		}
		labels[name] = b.String()
	}
}

// snapshot is one scrape of /metrics.
type snapshot struct {
	At      time.Duration // since the scenario started
	Samples []sample
}

// sum adds the values of the samples called name whose labels match every
// key=value in match ("" matches any value but requires nothing).
func (s snapshot) sum(name string, match map[string]string) float64 {
	var t float64
	for _, x := range s.Samples {
		if x.Name != name || !labelsMatch(x.Labels, match) {
			continue
		}
		t += x.Value
	}
	return t
}

// only is the snapshot with just the samples called one of names.
func (s snapshot) only(names ...string) snapshot {
	out := snapshot{At: s.At}
	for _, x := range s.Samples {
		if slices.Contains(names, x.Name) {
			out.Samples = append(out.Samples, x)
		}
	}
	return out
}

func labelsMatch(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// labelValues lists the distinct values of label across samples called name.
func (s snapshot) labelValues(name, label string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s.Samples {
		if x.Name == name {
			if v, ok := x.Labels[label]; ok && !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	sort.Strings(out)
	return out
}

// point is a counter's value at a time.
type point struct {
	At time.Duration
	V  float64
}

// rateStats gives a counter's mean rate over all points and its largest rate
// over one scrape interval (scrapes are about a second apart, so this is the
// "max over any 1-second window"). Intervals shorter than minGap are merged
// with the next one so a scrape that came late does not inflate the max; a
// counter that went down (restart) counts from zero.
func rateStats(pts []point, minGap time.Duration) (maxRate, meanRate float64) {
	if len(pts) < 2 {
		return 0, 0
	}
	var total float64
	prev := pts[0]
	for _, p := range pts[1:] {
		dt := p.At - prev.At
		if dt < minGap {
			continue
		}
		d := p.V - prev.V
		if d < 0 {
			d = p.V
		}
		total += d
		if r := d / dt.Seconds(); r > maxRate {
			maxRate = r
		}
		prev = p
	}
	span := (prev.At - pts[0].At).Seconds()
	if span > 0 {
		meanRate = total / span
	}
	return maxRate, meanRate
}

// bucket is one cumulative histogram bucket.
type bucket struct {
	LE    float64
	Count float64
}

// histQuantile estimates quantile q (0..1) from cumulative buckets, linearly
// within the bucket like Prometheus's histogram_quantile. NaN when empty.
func histQuantile(bs []bucket, q float64) float64 {
	if len(bs) == 0 {
		return math.NaN()
	}
	bs = slices.Clone(bs)
	slices.SortFunc(bs, func(a, b bucket) int {
		switch {
		case a.LE < b.LE:
			return -1
		case a.LE > b.LE:
			return 1
		}
		return 0
	})
	total := bs[len(bs)-1].Count
	if total <= 0 {
		return math.NaN()
	}
	rank := q * total
	prevLE, prevCount := 0.0, 0.0
	for _, b := range bs {
		if b.Count >= rank {
			if math.IsInf(b.LE, 1) {
				return prevLE // above the highest finite bound: report it
			}
			if b.Count == prevCount {
				return b.LE
			}
			return prevLE + (b.LE-prevLE)*(rank-prevCount)/(b.Count-prevCount)
		}
		prevLE, prevCount = b.LE, b.Count
	}
	return prevLE
}

// histFraction is the share of observations at or under le (which must be
// a bucket bound), from cumulative buckets.
func histFraction(bs []bucket, le float64) float64 {
	var total, under float64
	for _, b := range bs {
		if math.IsInf(b.LE, 1) {
			total = b.Count
		}
		if b.LE == le {
			under = b.Count
		}
	}
	if total == 0 {
		return math.NaN()
	}
	return under / total
}

// histDelta gives the buckets of name (summed over the series whose labels
// keep accepts; nil keeps all) observed between two snapshots.
func histDelta(a, b snapshot, name string, keep func(map[string]string) bool) []bucket {
	get := func(s snapshot) map[float64]float64 {
		m := map[float64]float64{}
		for _, x := range s.Samples {
			if x.Name != name+"_bucket" || (keep != nil && !keep(x.Labels)) {
				continue
			}
			le, err := strconv.ParseFloat(x.Labels["le"], 64)
			if err != nil {
				continue
			}
			m[le] += x.Value
		}
		return m
	}
	ma, mb := get(a), get(b)
	var out []bucket
	for le, v := range mb {
		out = append(out, bucket{LE: le, Count: v - ma[le]})
	}
	return out
}
