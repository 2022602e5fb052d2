package emulator

import "strconv"

// The demo world's program output: a storage configuration and an encoder
// configuration per region, and compositions of live stages into IVS
// channels and S3. The keynote's is healthy; the EU news desk's channel
// destination loses its connection and regains it (composition_sim.go).

// outputSpec is one seeded composition.
type outputSpec struct {
	stage   *stage
	channel string // channel id
	storage *storageConfig
	encoder *encoderConfig
	layout  *layoutConfig
	// flap scripts the channel destination (the first) to reconnect now and then.
	flap   bool
	offset int64
}

func (sd *seeder) outputConfigs(prefix string, width, height, bitrate int) (*storageConfig, *encoderConfig) {
	sc := sd.e.newStorage(sd.w, sd.e.simIDs.resourceID(), prefix+"program-archive", "greenroom-"+prefix+"program-archive",
		map[string]string{"env": "prod", "purpose": "program-archive"})
	ec := sd.e.newEncoder(sd.w, prefix+"program-"+strconv.Itoa(height)+"p",
		videoConfig{Width: ptr(width), Height: ptr(height), Framerate: ptr(30.0), Bitrate: ptr(bitrate)},
		map[string]string{"env": "prod"}, sd.e.simIDs)
	return sc, ec
}

func (sd *seeder) composition(s outputSpec) *composition {
	channel := sd.w.arn("channel", s.channel)
	req := startCompositionReq{
		StageArn: &s.stage.arn,
		Layout:   s.layout,
		Destinations: []destConfig{
			{Name: ptr("program-channel"), Channel: &channelDest{ChannelArn: &channel, EncoderConfigurationArn: &s.encoder.arn}},
			{Name: ptr("program-archive"), S3: &s3Dest{StorageConfigurationArn: &s.storage.arn, EncoderConfigurationArns: []string{s.encoder.arn}}},
		},
		Tags: map[string]string{"env": "prod"},
	}
	start := s.stage.active.start + 2*minute
	comp := sd.e.newComposition(sd.w, s.stage, req, start, sd.e.simIDs)
	// Running since start: settle now, while the seed's past is not
	// announced on the event queue.
	sd.e.settleCompositions(sd.w, start+compositionStartDelay.Milliseconds())
	if s.flap {
		sd.e.outputs = append(sd.e.outputs, &simDestination{region: sd.w.region, comp: comp, dest: 0, offset: s.offset})
	}
	return comp
}

func seedUSEastOutput(sd *seeder, keynote *stage) {
	sc, ec := sd.outputConfigs("", 1920, 1080, 6_000_000)
	sd.composition(outputSpec{stage: keynote, channel: "KeynoteProgram1", storage: sc, encoder: ec,
		layout: &layoutConfig{Grid: &gridConfig{FeaturedParticipantAttribute: ptr("featured")}}})
}

func seedEUWestOutput(sd *seeder, news *stage) {
	sc, ec := sd.outputConfigs("eu-", 1280, 720, 2_500_000)
	sd.composition(outputSpec{stage: news, channel: "EuNewsProgram1", storage: sc, encoder: ec, flap: true,
		layout: &layoutConfig{Pip: &pipConfig{PipParticipantAttribute: ptr("pip"), PipPosition: ptr("BOTTOM_RIGHT")}}})
}
