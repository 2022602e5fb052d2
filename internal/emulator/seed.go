package emulator

import (
	"time"
)

// The demo world ("demo" seed): enough realism to show every screen of the
// console. Shapes come from the seeded generator; stream keys from crypto/rand.

const (
	second = int64(time.Second / time.Millisecond)
	minute = 60 * second
	hour   = 60 * minute
	day    = 24 * hour
)

// seeder builds one region of the demo world.
type seeder struct {
	e   *Emulator
	w   *world
	now int64
}

func seedDemo(e *Emulator, t time.Time) {
	now := ms(t)
	us, _ := e.world("us-east-1")
	eu, _ := e.world("eu-west-1")
	seedUSEast(&seeder{e, us, now})
	seedEUWest(&seeder{e, eu, now})
	// Seeding joins some participants out of time order; live listing is in
	// join order, so put the seeded sessions in it.
	for _, w := range []*world{us, eu} {
		for _, st := range w.stages {
			for _, s := range st.sessions {
				s.sortByJoin()
			}
		}
	}
}

func (sd *seeder) stage(name string, tags map[string]string, record bool) *stage {
	var rec *recordingConfig
	if record {
		sc := sd.e.newStorage(sd.w, sd.e.simIDs.resourceID(), name+"-recordings", recordingBucket, nil)
		rec = &recordingConfig{StorageConfigurationArn: &sc.arn}
	}
	st := sd.e.newStage(sd.w, name, tags, rec, sd.e.simIDs)
	st.sim.userPrefix = "viewer-"
	return st
}

func (sd *seeder) ingest(s ingestSpec) *ingestConfig {
	if s.protocol == "RTMP" {
		s.insecure = true
	}
	return sd.e.newIngest(sd.w, s, sd.e.simIDs)
}

// publisher joins a web (WHIP) publisher and starts publishing.
func (sd *seeder) publisher(st *stage, userID string, at int64, attrs map[string]string, client uint16) *participant {
	p := sd.e.join(st, &participant{id: sd.e.simIDs.participantID(), userID: userID, attrs: attrs,
		client: client, protocol: protoWHIP}, at, sd.e.simIDs)
	st.active.startPublishing(p, at+1500)
	return p
}

// encoder publishes with a stream key at a past time.
func (sd *seeder) encoder(key string, at int64) *participant {
	res, err := sd.e.publish(sd.w, key, at, sd.e.simIDs)
	if err != nil {
		return nil
	}
	return sd.w.stageByArn(res.StageArn).active.participant(res.ParticipantID)
}

// viewers joins n viewers spread over [from, to), a share of them leaving
// before now, subscribed to pubs, with the occasional error.
func (sd *seeder) viewers(st *stage, n int, from, to int64, leaveShare int, pubs []*participant) {
	r := sd.e.simRand
	s := st.active
	span := to - from
	for i := range n {
		at := from + span*int64(i)/int64(n)
		p := sd.e.newViewer(st, at, pubs)
		switch k := r.IntN(400); {
		case k < 2: // a join refused once, then accepted
			p.events = append([]event{{at: at - 2*second, name: evJoinError, code: codeQuotaExceeded}}, p.events...)
		case k < 6:
			p.events = append(p.events, event{at: at + 400, name: evSubscribeError, code: codePublisherNotFound})
		case k < 7:
			p.events = append(p.events, event{at: at + 900, name: evTokenExchanged})
		}
		if leaveShare > 0 && r.IntN(100) < leaveShare {
			left := at + 1 + r.Int64N(max(1, sd.now-at-second))
			if left < to {
				s.leave(p, left, codeNone)
			}
		}
	}
}

// history adds an ended session with a host, viewers and what extra adds.
func (sd *seeder) history(st *stage, start, dur int64, viewers int, extra func(s *session)) {
	s := sd.e.ensureSession(st, start, sd.e.simIDs)
	host := sd.publisher(st, "host-"+st.name, start+20*second,
		map[string]string{"displayName": "Studio host", "role": "host"}, 2)
	if extra != nil {
		extra(s)
	}
	sd.viewers(st, viewers, start+minute, start+dur-2*minute, 30, []*participant{host})
	s.leave(host, start+dur-minute, codeNone)
	sd.e.endSession(st, start+dur)
}

func seedUSEast(sd *seeder) {
	e, w, now := sd.e, sd.w, sd.now
	prod := func(team string) map[string]string {
		return map[string]string{"env": "prod", "team": team, "cost-center": "cc-4410"}
	}

	keynote := sd.stage("main-stage-keynote", prod("live-events"), true)
	studioB := sd.stage("studio-b", prod("studio-ops"), true)
	sports1 := sd.stage("sports-feed-1", prod("sports"), false)
	sports2 := sd.stage("sports-feed-2", prod("sports"), false)
	backstage := sd.stage("backstage-greenroom", prod("live-events"), true)
	townHall := sd.stage("town-hall-archive", map[string]string{"env": "prod", "team": "internal-comms"}, true)
	studioA := sd.stage("studio-a", prod("studio-ops"), false)
	qa := sd.stage("qa-sandbox", map[string]string{"env": "staging", "team": "platform"}, false)

	keynoteMain := sd.ingest(ingestSpec{name: "keynote-main-rtmps", stageArn: keynote.arn, protocol: "RTMPS",
		userID: "keynote-encoder", attrs: map[string]string{"source": "production-switcher"}, tags: prod("live-events")})
	sd.ingest(ingestSpec{name: "keynote-backup-rtmp", stageArn: keynote.arn, protocol: "RTMP", userID: "keynote-backup"})
	studioBRed := sd.ingest(ingestSpec{name: "studio-b-redundant", stageArn: studioB.arn, protocol: "RTMPS",
		redundant: true, userID: "studio-b-program", tags: prod("studio-ops")})
	studioBGfx := sd.ingest(ingestSpec{name: "studio-b-graphics", stageArn: studioB.arn, protocol: "RTMPS", userID: "studio-b-graphics"})
	sports1Red := sd.ingest(ingestSpec{name: "sports-feed-1-redundant", stageArn: sports1.arn, protocol: "RTMPS",
		redundant: true, userID: "sports-1-program", tags: prod("sports")})
	sd.ingest(ingestSpec{name: "sports-feed-1-backup-rtmps", stageArn: sports1.arn, protocol: "RTMPS"})
	sports2Red := sd.ingest(ingestSpec{name: "sports-feed-2-redundant", stageArn: sports2.arn, protocol: "RTMP",
		redundant: true, userID: "sports-2-program", tags: prod("sports")})
	field := sd.ingest(ingestSpec{name: "field-reporter-1", stageArn: studioA.arn, protocol: "RTMPS",
		userID: "jane.doe@example.com", attrs: map[string]string{"displayName": "Jane Doe", "kit": "backpack-3"}})
	sd.ingest(ingestSpec{name: "unassigned-spare", protocol: "RTMPS", tags: map[string]string{"env": "prod"}})
	sd.ingest(ingestSpec{name: "town-hall-rtmps", stageArn: townHall.arn, protocol: "RTMPS"})
	qaEnc := sd.ingest(ingestSpec{name: "qa-sandbox-encoder", stageArn: qa.arn, protocol: "RTMP", userID: "qa-bot"})
	sd.ingest(ingestSpec{name: "backstage-obs", stageArn: backstage.arn, protocol: "RTMPS", userID: "backstage-obs"})
	sd.ingest(ingestSpec{name: "legacy-rtmp", protocol: "RTMP"})

	// History: ended sessions, oldest first.
	for i, ago := range []int64{9 * day, 6 * day, 2 * day} {
		sd.history(keynote, now-ago, 90*minute+int64(i)*10*minute, 40+10*i, nil)
	}
	for _, ago := range []int64{20 * day, 13 * day, 6*day + 3*hour} {
		sd.history(townHall, now-ago, 60*minute, 25, func(s *session) {
			// A publisher whose encoder overshot the input limits.
			p := sd.publisher(townHall, "guest-speaker", s.start+5*minute, nil, 6)
			s.stopPublishing(p, s.start+9*minute, codeResolutionExceeded)
			s.leave(p, s.start+10*minute, codeNone)
		})
	}
	sd.history(studioA, now-4*day, 45*minute, 12, func(s *session) {
		at := s.start + 3*minute
		p := sd.encoder(field.streamKey, at)
		// The reporter first tried an old key.
		p.events = append([]event{{at: at - 40*second, name: evJoinError, code: codeInvalidStreamKey}}, p.events...)
		s.stopPublishing(p, s.start+30*minute, codeBFramePresent)
		s.leave(p, s.start+31*minute, codeNone)
	})
	sd.history(studioA, now-1*day, 30*minute, 8, nil)
	sd.history(sports1, now-1*day-5*hour, 120*minute, 60, nil)
	sd.history(studioB, now-3*day, 50*minute, 20, nil)

	// Live: backstage first, replicated into the keynote.
	bStart, kStart := now-130*minute, now-2*hour
	bs := e.ensureSession(backstage, bStart, e.simIDs)
	ks := e.ensureSession(keynote, kStart, e.simIDs)
	var hosts []*participant
	for i, name := range []string{"maya.chen", "omar.haddad", "lena.kovacs"} {
		p := sd.publisher(backstage, name, bStart+int64(i+1)*minute, map[string]string{"displayName": name, "role": "speaker"}, uint16(2+i))
		hosts = append(hosts, p)
	}
	sd.viewers(backstage, 6, bStart+5*minute, now-time.Minute.Milliseconds(), 10, hosts)

	kHost := sd.publisher(keynote, "host-keynote-01", kStart+30*second, map[string]string{"displayName": "Ava Brooks", "role": "host"}, 2)
	kCohost := sd.publisher(keynote, "cohost-keynote-02", kStart+45*second, map[string]string{"displayName": "Ravi Patel", "role": "cohost"}, 1)
	kEnc := sd.encoder(keynoteMain.streamKey, kStart+60*second)
	for i, h := range hosts {
		at := kStart + int64(2+i)*minute
		h.replType, h.replActive = replSource, true
		h.events = append(h.events, event{at: at, name: evReplicationStarted, repl: &replTarget{stageArn: keynote.arn, sessionID: ks.id}})
		r := e.join(keynote, &participant{id: h.id, userID: h.userID, attrs: h.attrs, client: h.client, protocol: protoWHIP,
			replType: replReplica, replActive: true, srcStage: backstage.arn, srcSession: bs.id}, at, e.simIDs)
		r.events[len(r.events)-1].repl = &replTarget{replica: true}
		ks.startPublishing(r, at+second)
		r.events[len(r.events)-1].repl = &replTarget{replica: true}
		if i == 2 { // the last speaker's replication was stopped
			stop := now - 20*minute
			h.replActive = false
			h.events = append(h.events, event{at: stop, name: evReplicationStopped, repl: &replTarget{stageArn: keynote.arn, sessionID: ks.id}})
			ks.leave(r, stop, codeNone)
			continue
		}
		sd.w.replications = append(sd.w.replications, &replicationLink{pid: h.id, src: backstage, dst: keynote, srcSession: bs, dstSes: ks})
	}
	// Guests with every recording state.
	g1 := sd.publisher(keynote, "guest-speaker-01", kStart+20*minute, map[string]string{"displayName": "Sam Ortiz"}, 3)
	ks.leave(g1, kStart+45*minute, codeNone) // recording STOPPED
	g2 := sd.publisher(keynote, "guest-speaker-02", kStart+50*minute, map[string]string{"displayName": "Kim Lee"}, 11)
	g2.recording = recFailed
	g3 := sd.publisher(keynote, "guest-speaker-03", now-10*second, nil, 8)
	g3.recording = recStarting
	g4 := sd.publisher(keynote, "guest-speaker-04", kStart+70*minute, nil, 9)
	ks.stopPublishing(g4, now-5*second, codeNone)
	g4.recording = recStopping
	sd.viewers(keynote, 5200, kStart+2*minute, now-5*second, 10, []*participant{kHost, kCohost, kEnc})
	keynote.sim = simStage{crowd: ks.connected, churn: 3, userPrefix: "viewer-", viewers: keynote.sim.viewers}

	// studio-b: protected redundant pair, a graphics encoder, two hosts.
	sbStart := now - 40*minute
	e.ensureSession(studioB, sbStart, e.simIDs)
	h1 := sd.publisher(studioB, "host-studio-b", sbStart+10*second, map[string]string{"displayName": "Noor Aziz"}, 11)
	a := sd.encoder(studioBRed.creds[0].streamKey, sbStart+20*second)
	b := sd.encoder(studioBRed.creds[1].streamKey, sbStart+22*second)
	sd.encoder(studioBGfx.streamKey, sbStart+30*second)
	sd.viewers(studioB, 30, sbStart+minute, now-10*second, 15, []*participant{h1, a, b})
	studioB.sim.crowd, studioB.sim.churn = studioB.active.connected, 2

	// sports-feed-1: degraded (one encoder dropped on BITRATE_EXCEEDED).
	s1Start := now - 75*minute
	e.ensureSession(sports1, s1Start, e.simIDs)
	a1 := sd.encoder(sports1Red.creds[0].streamKey, s1Start+10*second)
	b1 := sd.encoder(sports1Red.creds[1].streamKey, s1Start+12*second)
	sd.viewers(sports1, 120, s1Start+minute, now-30*minute, 20, []*participant{a1, b1})
	_, _ = e.publish(w, sports1Red.creds[1].streamKey, now-30*minute, e.simIDs) // REUSE_OF_STREAM_KEY on b1
	_ = e.unpublish(w, sports1Red.creds[0].streamKey, now-12*minute, codeBitrateExceeded)
	sd.viewers(sports1, 20, now-11*minute, now-10*second, 5, []*participant{b1})
	sports1.sim.crowd, sports1.sim.churn = sports1.active.connected, 2

	// sports-feed-2: down (both encoders gone), a commentator keeps the session live.
	s2Start := now - 50*minute
	e.ensureSession(sports2, s2Start, e.simIDs)
	com := sd.publisher(sports2, "commentator-1", s2Start+5*second, map[string]string{"displayName": "Commentary"}, 1)
	a2 := sd.encoder(sports2Red.creds[0].streamKey, s2Start+15*second)
	b2 := sd.encoder(sports2Red.creds[1].streamKey, s2Start+16*second)
	sd.viewers(sports2, 40, s2Start+minute, now-26*minute, 20, []*participant{com, a2, b2})
	_ = e.unpublish(w, sports2Red.creds[0].streamKey, now-25*minute, codeResolutionExceeded)
	_ = e.unpublish(w, sports2Red.creds[1].streamKey, now-19*minute, codeBFramePresent)

	seedUSEastOutput(sd, keynote)

	e.encoders = append(e.encoders,
		&simEncoder{region: w.region, cfg: studioBRed, script: scriptFlap, down: -1},
		&simEncoder{region: w.region, cfg: qaEnc, script: scriptCycle, offset: cyclePeriod - 5},
	)
}

func seedEUWest(sd *seeder) {
	e, now := sd.e, sd.now
	tags := func(team string) map[string]string {
		return map[string]string{"env": "prod", "team": team, "region-owner": "dub"}
	}
	news := sd.stage("eu-news-desk", tags("news"), true)
	esports := sd.stage("eu-esports-arena", tags("esports"), false)
	studio := sd.stage("eu-studio-1", tags("studio-ops"), false)
	sd.stage("eu-weather-desk", tags("news"), false)

	newsEnc := sd.ingest(ingestSpec{name: "eu-news-desk-rtmps", stageArn: news.arn, protocol: "RTMPS", userID: "news-switcher"})
	esRed := sd.ingest(ingestSpec{name: "eu-esports-redundant", stageArn: esports.arn, protocol: "RTMPS", redundant: true, userID: "esports-program"})
	sd.ingest(ingestSpec{name: "eu-esports-backup-rtmp", stageArn: esports.arn, protocol: "RTMP"})
	sd.ingest(ingestSpec{name: "eu-spare-rtmps", protocol: "RTMPS"})

	sd.history(studio, now-5*day, 40*minute, 15, nil)
	sd.history(news, now-1*day, 60*minute, 80, nil)

	nStart := now - 55*minute
	e.ensureSession(news, nStart, e.simIDs)
	anchor := sd.publisher(news, "anchor-dub-1", nStart+10*second, map[string]string{"displayName": "Aoife Byrne"}, 10)
	ne := sd.encoder(newsEnc.streamKey, nStart+20*second)
	sd.viewers(news, 250, nStart+minute, now-5*second, 12, []*participant{anchor, ne})
	news.sim.crowd, news.sim.churn = news.active.connected, 2

	esStart := now - 25*minute
	e.ensureSession(esports, esStart, e.simIDs)
	x := sd.encoder(esRed.creds[0].streamKey, esStart+10*second)
	y := sd.encoder(esRed.creds[1].streamKey, esStart+11*second)
	sd.viewers(esports, 90, esStart+minute, now-5*second, 10, []*participant{x, y})
	esports.sim.crowd, esports.sim.churn = esports.active.connected, 2

	seedEUWestOutput(sd, news)

	e.encoders = append(e.encoders, &simEncoder{region: sd.w.region, cfg: esRed, script: scriptFlap, offset: 15, down: -1})
}
