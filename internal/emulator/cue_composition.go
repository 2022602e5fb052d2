package emulator

import (
	"net/http"
	"strings"
)

// Composition cues: make a destination of a running composition lose its
// connection (RECONNECTING, or FAILED) and get it back, now. A destination
// failed on cue is held: the simulator leaves it alone until it recovers on
// cue.

type cueDestOut struct {
	ID                      string `json:"id"`
	Name                    string `json:"name"`
	State                   string `json:"state"`
	Held                    bool   `json:"held"`
	ChannelArn              string `json:"channelArn,omitempty"`
	StorageConfigurationArn string `json:"storageConfigurationArn,omitempty"`
}

type cueCompositionOut struct {
	Arn          string       `json:"arn"`
	StageArn     string       `json:"stageArn"`
	State        string       `json:"state"`
	Destinations []cueDestOut `json:"destinations"`
}

func cueCompositionOutOf(c *composition) cueCompositionOut {
	out := cueCompositionOut{Arn: c.arn, StageArn: c.stageArn, State: c.state, Destinations: []cueDestOut{}}
	for _, d := range c.dests {
		do := cueDestOut{ID: d.id, Name: deref(d.config.Name), State: d.state, Held: d.held}
		if ch := d.config.Channel; ch != nil {
			do.ChannelArn = deref(ch.ChannelArn)
		}
		if s3 := d.config.S3; s3 != nil {
			do.StorageConfigurationArn = deref(s3.StorageConfigurationArn)
		}
		out.Destinations = append(out.Destinations, do)
	}
	return out
}

// cueListCompositions: GET /_emulator/compositions?region=
func (e *Emulator) cueListCompositions(r *http.Request) (any, error) {
	region := r.URL.Query().Get("region")
	if region == "" {
		region = "us-east-1"
	}
	if !reRegion.MatchString(region) {
		return nil, badRequest("invalid region %q", region)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []cueCompositionOut{}
	if w, _ := e.cueWorld(region); w != nil {
		for _, c := range w.compositions {
			out = append(out, cueCompositionOutOf(c))
		}
	}
	return struct {
		Region       string              `json:"region"`
		Compositions []cueCompositionOut `json:"compositions"`
	}{region, out}, nil
}

type cueDestReq struct {
	Region      string `json:"region"`
	Composition string `json:"composition"` // id or ARN
	Destination string `json:"destination"` // id or name; "" = the first
	State       string `json:"state"`       // fail: RECONNECTING (default) or FAILED
}

// cueDestination finds a running composition's destination. Callers hold e.mu.
func (e *Emulator) cueDestination(req cueDestReq) (*composition, *destination, error) {
	region, err := cueRegion(req.Region, req.Composition, "composition")
	if err != nil {
		return nil, nil, err
	}
	w, _ := e.cueWorld(region)
	var c *composition
	if w != nil {
		if strings.HasPrefix(req.Composition, "arn:") {
			c = w.compositionByArn(req.Composition)
		} else {
			c = w.compositionByID[req.Composition]
		}
	}
	if c == nil {
		return nil, nil, notFound("composition %s not found in %s", req.Composition, region)
	}
	if c.state != compActive {
		return nil, nil, conflict("composition %s is %s, not ACTIVE", c.arn, c.state)
	}
	for _, d := range c.dests {
		if req.Destination == "" || d.id == req.Destination || deref(d.config.Name) == req.Destination {
			return c, d, nil
		}
	}
	return nil, nil, notFound("composition %s has no destination %s", c.arn, req.Destination)
}

// cueFailDestination: POST /_emulator/composition/destination/fail.
func (e *Emulator) cueFailDestination(r *http.Request) (any, error) {
	var req cueDestReq
	if err := cueDecode(r, &req); err != nil {
		return nil, err
	}
	state := req.State
	switch state {
	case "":
		state = destReconnecting
	case destReconnecting, compFailed:
	default:
		return nil, badRequest("state must be RECONNECTING or FAILED, not %q", req.State)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, d, err := e.cueDestination(req)
	if err != nil {
		return nil, err
	}
	if d.state != compActive {
		return nil, conflict("destination %s of composition %s is %s, not ACTIVE", d.id, c.arn, d.state)
	}
	d.state, d.held = state, true
	e.compositionEvent(c, d, destinationEvent(state), ms(e.clock.Now()))
	e.log.Info("emulator: cue", "cue", "destination fail", "compositionArn", c.arn, "destination", d.id, "state", state)
	return cueCompositionOutOf(c), nil
}

// cueRecoverDestination: POST /_emulator/composition/destination/recover.
func (e *Emulator) cueRecoverDestination(r *http.Request) (any, error) {
	var req cueDestReq
	if err := cueDecode(r, &req); err != nil {
		return nil, err
	}
	if req.State != "" {
		return nil, badRequest("recover takes no state")
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	c, d, err := e.cueDestination(req)
	if err != nil {
		return nil, err
	}
	if d.state != destReconnecting && d.state != compFailed {
		return nil, conflict("destination %s of composition %s is %s: nothing to recover", d.id, c.arn, d.state)
	}
	d.state, d.held = compActive, false
	e.compositionEvent(c, d, evDestinationStart, ms(e.clock.Now()))
	e.log.Info("emulator: cue", "cue", "destination recover", "compositionArn", c.arn, "destination", d.id)
	return cueCompositionOutOf(c), nil
}
