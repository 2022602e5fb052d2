package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
)

// poll is an element that htmx refreshes on a timer (hx-get with
// hx-trigger "every Ns"), as a browser would request it.
type poll struct {
	URL     string
	Every   time.Duration
	Target  string // id of the element swapped (HX-Target)
	Trigger string // id of the polling element (HX-Trigger)
}

// pageInfo is what the harness needs from a page's HTML.
type pageInfo struct {
	Links  []pageLink
	Polls  []poll
	Assets []string // stylesheets and scripts, absolute URLs
	Rows   int      // table body rows (participants, stages...)
}

type pageLink struct {
	Href  string // absolute
	Class string
}

var everyRE = regexp.MustCompile(`every\s+([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m)?`)

// parseEvery reads the interval of an hx-trigger like "every 2s" or
// "load, every 500ms [visible]"; false when it does not poll.
func parseEvery(trigger string) (time.Duration, bool) {
	m := everyRE.FindStringSubmatch(trigger)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil || v <= 0 {
		return 0, false
	}
	unit := time.Second
	switch m[2] {
	case "ms":
		unit = time.Millisecond
	case "m":
		unit = time.Minute
	}
	return time.Duration(v * float64(unit)), true
}

// parsePage extracts links, polling elements, assets and table rows.
func parsePage(body []byte, base *url.URL) pageInfo {
	var info pageInfo
	abs := func(ref string) string {
		u, err := base.Parse(ref)
		if err != nil {
			return ""
		}
		u.Fragment = ""
		return u.String()
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	theadDepth := 0
	for range 1_000_000 { // bounded: a page never has a million tokens
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt == html.EndTagToken {
			if name, _ := z.TagName(); string(name) == "thead" && theadDepth > 0 {
				theadDepth--
			}
			continue
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		attrs := map[string]string{}
		for hasAttr {
			var k, v []byte
			k, v, hasAttr = z.TagAttr()
			attrs[string(k)] = string(v)
		}
		switch string(name) {
		case "thead":
			theadDepth++
		case "tr":
			if theadDepth == 0 {
				info.Rows++
			}
		case "a":
			if h := attrs["href"]; h != "" && !strings.HasPrefix(h, "#") {
				if u := abs(h); u != "" {
					info.Links = append(info.Links, pageLink{Href: u, Class: attrs["class"]})
				}
			}
		case "link":
			if strings.Contains(attrs["rel"], "stylesheet") && attrs["href"] != "" {
				info.Assets = append(info.Assets, abs(attrs["href"]))
			}
		case "script":
			if attrs["src"] != "" {
				info.Assets = append(info.Assets, abs(attrs["src"]))
			}
		}
		if get, trig := attrs["hx-get"], attrs["hx-trigger"]; get != "" {
			if every, ok := parseEvery(trig); ok {
				p := poll{URL: abs(get), Every: every, Trigger: attrs["id"]}
				switch t := attrs["hx-target"]; {
				case strings.HasPrefix(t, "#"):
					p.Target = t[1:]
				case t == "" || t == "this":
					p.Target = attrs["id"]
				}
				info.Polls = append(info.Polls, p)
			}
		}
	}
	return info
}

// fetched is one discovery request.
type fetched struct {
	URL    string
	Status int
	Body   []byte
	Wire   int // bytes on the wire with gzip, as a browser gets them
	Err    error
}

// fetch GETs u uncompressed (for the weight bar) and, when wire is set,
// once more with gzip to report transfer size.
func fetch(ctx context.Context, c *http.Client, u string, hx *poll, pageURL string, wire bool) fetched {
	f := fetched{URL: u}
	do := func(enc string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept-Encoding", enc)
		if hx != nil {
			setHX(req.Header, hx, pageURL)
		}
		return c.Do(req)
	}
	resp, err := do("identity")
	if err != nil {
		f.Err = err
		return f
	}
	f.Status = resp.StatusCode
	f.Body, f.Err = io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	resp.Body.Close()
	if wire && f.Err == nil {
		if resp, err := do("gzip"); err == nil {
			n, _ := io.Copy(io.Discard, io.LimitReader(resp.Body, 16<<20))
			resp.Body.Close()
			f.Wire = int(n)
		}
	}
	return f
}

func setHX(h http.Header, p *poll, pageURL string) {
	h.Set("HX-Request", "true")
	h.Set("HX-Current-URL", pageURL)
	if p.Target != "" {
		h.Set("HX-Target", p.Target)
	}
	if p.Trigger != "" {
		h.Set("HX-Trigger", p.Trigger)
	}
}

// weight is a page's size as a first visit loads it.
type weight struct {
	Name       string
	URL        string
	HTML       int
	Assets     int
	AssetsList []string
	Wire       int // HTML with gzip (assets are cached forever after)
	Rows       int
}

func (w weight) Total() int { return w.HTML + w.Assets }

// target is one URL a simulated viewer requests.
type target struct {
	Kind string
	URL  string
}

// plan is what discovery found: the live view, the pages to browse, and
// their weights.
type plan struct {
	LivePage     string
	Polls        []poll
	Fallback     string // why the live view is not the session page, if it is not
	Browse       []target
	Missing      []string // pages not there (yet), with their status
	PageWeights  []weight
	FragWeights  []weight
	SessionCount int
}

// discover crawls from the region's stage list, as a person would click.
func discover(ctx context.Context, c *http.Client, base, region string) (*plan, error) {
	baseURL, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	pl := &plan{}
	assetSize := map[string]int{}
	weigh := func(name string, f fetched, info pageInfo) weight {
		w := weight{Name: name, URL: f.URL, HTML: len(f.Body), Wire: f.Wire, Rows: info.Rows}
		for _, a := range info.Assets {
			if _, ok := assetSize[a]; !ok {
				af := fetch(ctx, c, a, nil, "", false)
				if af.Err != nil || af.Status != http.StatusOK {
					assetSize[a] = 0
				} else {
					assetSize[a] = len(af.Body)
				}
			}
			w.Assets += assetSize[a]
			w.AssetsList = append(w.AssetsList, fmt.Sprintf("%s %s", pathOf(a), kb(assetSize[a])))
		}
		return w
	}
	parse := func(f fetched) pageInfo {
		u, _ := url.Parse(f.URL)
		if u == nil {
			u = baseURL
		}
		return parsePage(f.Body, u)
	}

	listURL := base + "/r/" + region + "/stages"
	list := fetch(ctx, c, listURL, nil, "", true)
	if list.Err != nil || list.Status != http.StatusOK {
		return nil, fmt.Errorf("stage list %s: status %d, %v", listURL, list.Status, list.Err)
	}
	listInfo := parse(list)
	pl.PageWeights = append(pl.PageWeights, weigh("stage list", list, listInfo))
	stagePrefix := "/r/" + region + "/stages/"
	var stages, sessions []string
	for _, l := range listInfo.Links {
		p := pathOf(l.Href)
		if !strings.HasPrefix(p, stagePrefix) {
			continue
		}
		switch {
		case strings.Contains(l.Class, "badge-live") || strings.Contains(p, "/sessions/"):
			sessions = appendNew(sessions, l.Href)
		case !strings.Contains(strings.TrimPrefix(p, stagePrefix), "/"):
			stages = appendNew(stages, l.Href)
		}
	}
	pl.SessionCount = len(sessions)

	// The live view: the session whose refresh fragment is largest (the
	// most participants), as the heaviest realistic case.
	type cand struct {
		page  fetched
		info  pageInfo
		frags []fetched
		size  int
	}
	var best *cand
	for _, s := range sessions[:min(len(sessions), 8)] {
		f := fetch(ctx, c, s, nil, "", true)
		if f.Err != nil || f.Status != http.StatusOK {
			pl.Missing = append(pl.Missing, fmt.Sprintf("session page %s: HTTP %d %v", pathOf(s), f.Status, errText(f.Err)))
			continue
		}
		cd := &cand{page: f, info: parse(f)}
		for i := range cd.info.Polls {
			ff := fetch(ctx, c, cd.info.Polls[i].URL, &cd.info.Polls[i], s, true)
			cd.frags = append(cd.frags, ff)
			cd.size += len(ff.Body)
		}
		if best == nil || cd.size > best.size {
			best = cd
		}
	}
	var participants []string
	if best != nil {
		pl.LivePage = best.page.URL
		pl.Polls = best.info.Polls
		pl.PageWeights = append(pl.PageWeights, weigh("session page", best.page, best.info))
		for i, ff := range best.frags {
			fi := parse(ff)
			w := weigh("refresh fragment "+pathOf(ff.URL), ff, pageInfo{Rows: fi.Rows})
			pl.FragWeights = append(pl.FragWeights, w)
			if ff.Status != http.StatusOK {
				pl.Missing = append(pl.Missing, fmt.Sprintf("fragment %s: HTTP %d", pathOf(best.info.Polls[i].URL), ff.Status))
			}
			participants = collect(participants, fi.Links, "/participants/")
		}
		participants = collect(participants, best.info.Links, "/participants/")
		if len(pl.Polls) == 0 {
			pl.Fallback = "the session page has no hx-trigger=\"every ...\" element: live viewers reload the whole page every 2-5 s"
		}
	} else {
		pl.LivePage = listURL
		pl.Polls = []poll{{URL: listURL, Target: "stage-table"}}
		pl.Fallback = fmt.Sprintf("no session page answered (of %d live sessions linked from the stage list): live viewers load the stage list and refresh its #stage-table fragment every 2-5 s instead", len(sessions))
		if best == nil && len(sessions) == 0 {
			pl.Fallback = "no live session on the stage list: " + pl.Fallback
		}
		hx := pl.Polls[0]
		ff := fetch(ctx, c, listURL, &hx, listURL, true)
		pl.FragWeights = append(pl.FragWeights, weigh("stage-table fragment (fallback)", ff, pageInfo{Rows: parse(ff).Rows}))
	}

	// Pages to browse: stage pages, participant pages, ingest configurations.
	check := func(kind, name string, urls []string, limit int) {
		ok := 0
		for _, u := range urls {
			if ok >= limit {
				break
			}
			f := fetch(ctx, c, u, nil, "", ok == 0)
			if f.Err != nil || f.Status != http.StatusOK {
				pl.Missing = append(pl.Missing, fmt.Sprintf("%s %s: HTTP %d %v", name, pathOf(u), f.Status, errText(f.Err)))
				if ok == 0 && f.Status == http.StatusNotFound {
					break // the page kind does not exist yet: one 404 says so
				}
				continue
			}
			if ok == 0 {
				pl.PageWeights = append(pl.PageWeights, weigh(name, f, parse(f)))
			}
			pl.Browse = append(pl.Browse, target{Kind: kind, URL: u})
			ok++
		}
	}
	check("stage", "stage page", stages, 4)
	check("participant", "participant page", participants, 4)
	ingestList := base + "/r/" + region + "/ingest-configurations"
	check("ingest", "ingest configuration list", []string{ingestList}, 1)
	if slices.ContainsFunc(pl.Browse, func(t target) bool { return t.URL == ingestList }) {
		f := fetch(ctx, c, ingestList, nil, "", false)
		var ingests []string
		for _, l := range parse(f).Links {
			p := pathOf(l.Href)
			if strings.Contains(p, "/ingest-configurations/") && !strings.HasSuffix(p, "/new") && !strings.HasSuffix(p, "/edit") {
				ingests = appendNew(ingests, l.Href)
			}
		}
		check("ingest", "ingest configuration page", ingests, 4)
	}
	if len(pl.Browse) == 0 {
		pl.Browse = []target{{Kind: "stage-list", URL: listURL}}
	}
	return pl, nil
}

func collect(dst []string, links []pageLink, sub string) []string {
	for _, l := range links {
		if strings.Contains(pathOf(l.Href), sub) {
			dst = appendNew(dst, l.Href)
		}
	}
	return dst
}

func appendNew(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

func pathOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	if p.RawQuery != "" {
		return p.Path + "?" + p.RawQuery
	}
	return p.Path
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// kb prints bytes in kB of 1000 bytes (the strict reading of the bars).
func kb(n int) string { return fmt.Sprintf("%.1f kB", float64(n)/1000) }
