package form

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Field names of the start composition form.
const (
	FieldLayout      = "layout"
	FieldFeatured    = "featured_attribute"
	FieldPipAttr     = "pip_attribute"
	FieldPipPosition = "pip_position"
	FieldPipBehavior = "pip_behavior"
	FieldChannels    = "channel_arns"
	FieldStorages    = "storage_configuration_arns"
	FieldEncoder     = "encoder_configuration_arn"
)

// maxDestinations is IVS's limit of destinations per composition.
const maxDestinations = 2

// PipPositions and PipBehaviors are the values the API takes.
var (
	PipPositions = []string{"TOP_LEFT", "TOP_RIGHT", "BOTTOM_LEFT", "BOTTOM_RIGHT"}
	PipBehaviors = []string{"STATIC", "DYNAMIC"}
)

// CompositionForm is the start composition form as the user sent it.
type CompositionForm struct {
	Layout      string // ivs.LayoutGrid | ivs.LayoutPiP
	Featured    string // participant attribute that features a participant
	PipAttr     string // participant attribute that puts one in the PiP window
	PipPosition string
	PipBehavior string
	Channels    []string // channel ARNs, one a line
	Storages    []string // storage configuration ARNs (checkboxes)
	Encoder     string   // encoder configuration ARN ("" = IVS's default, channels only)
	Token       string
}

// NewCompositionForm is the empty form: a grid, a fresh token.
func NewCompositionForm() CompositionForm {
	return CompositionForm{Layout: ivs.LayoutGrid, PipPosition: "BOTTOM_RIGHT", PipBehavior: "STATIC", Token: NewToken()}
}

// ParseCompositionForm reads the form. It never fails: Validate says what is wrong.
func ParseCompositionForm(v url.Values) CompositionForm {
	f := CompositionForm{
		Layout:      strings.ToUpper(strings.TrimSpace(v.Get(FieldLayout))),
		Featured:    strings.TrimSpace(v.Get(FieldFeatured)),
		PipAttr:     strings.TrimSpace(v.Get(FieldPipAttr)),
		PipPosition: strings.TrimSpace(v.Get(FieldPipPosition)),
		PipBehavior: strings.TrimSpace(v.Get(FieldPipBehavior)),
		Encoder:     strings.TrimSpace(v.Get(FieldEncoder)),
		Token:       strings.TrimSpace(v.Get(FieldToken)),
	}
	for _, line := range strings.Split(v.Get(FieldChannels), "\n") {
		if s := strings.TrimSpace(line); s != "" && len(f.Channels) <= maxIngestRows {
			f.Channels = append(f.Channels, s)
		}
	}
	for _, s := range v[FieldStorages] {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(f.Storages, s) && len(f.Storages) <= maxIngestRows {
			f.Storages = append(f.Storages, s)
		}
	}
	return f
}

// Validate checks the form against the API's rules before anything is
// sent: one or two destinations, ARNs of the right type and region, an
// encoder configuration for S3, the layout's options.
func (f *CompositionForm) Validate(region ivs.Region) Errors {
	errs := Errors{}
	if f.Layout != ivs.LayoutGrid && f.Layout != ivs.LayoutPiP {
		errs.Add(FieldLayout, "Choose a grid or picture-in-picture.")
	}
	for field, attr := range map[string]string{FieldFeatured: f.Featured, FieldPipAttr: f.PipAttr} {
		if len(attr) > 128 || !ingestNamePattern.MatchString(attr) {
			errs.Add(field, "A participant attribute name: up to 128 letters, digits, hyphens and underscores.")
		}
	}
	if f.Layout == ivs.LayoutPiP {
		if !slices.Contains(PipPositions, f.PipPosition) {
			errs.Add(FieldPipPosition, "Choose a corner for the picture-in-picture window.")
		}
		if !slices.Contains(PipBehaviors, f.PipBehavior) {
			errs.Add(FieldPipBehavior, "Choose static or dynamic.")
		}
	}
	for _, ch := range f.Channels {
		if msg := arnProblem(ch, ivs.ResourceChannel, region, "channel"); msg != "" {
			errs.Add(FieldChannels, msg)
			break
		}
	}
	for _, s := range f.Storages {
		if msg := arnProblem(s, ivs.ResourceStorageConfig, region, "storage configuration"); msg != "" {
			errs.Add(FieldStorages, msg)
			break
		}
	}
	switch n := len(f.Channels) + len(f.Storages); {
	case n == 0:
		errs.Add(FieldChannels, "Give at least one destination: an IVS channel ARN, or a storage configuration below.")
	case n > maxDestinations:
		errs.Add(FieldChannels, fmt.Sprintf("IVS allows at most %d destinations per composition; this form has %d.", maxDestinations, n))
	}
	if f.Encoder != "" {
		if msg := arnProblem(f.Encoder, ivs.ResourceEncoderConfig, region, "encoder configuration"); msg != "" {
			errs.Add(FieldEncoder, msg)
		}
	} else if len(f.Storages) > 0 {
		errs.Add(FieldEncoder, "A recording to S3 needs an encoder configuration: choose one (it is used for every destination).")
	}
	return errs
}

// arnProblem says what is wrong with an ARN of a resource type and region
// ("" when nothing is).
func arnProblem(s, resource string, region ivs.Region, what string) string {
	a, err := ivs.ParseARN(s, resource)
	switch {
	case err != nil:
		return "“" + clip(s) + "” is not " + article(what) + " ARN (" + err.Error() + "). It looks like arn:aws:ivs:" + string(region) + ":123456789012:" + resource + "/AbCdEf123456."
	case a.Region != region:
		return "This " + what + " is in " + string(a.Region) + "; a composition in " + string(region) + " can only use one of its own region."
	}
	return ""
}

func article(what string) string {
	if strings.ContainsAny(what[:1], "aeiou") {
		return "an " + what
	}
	return "a " + what
}

func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// StartInput is what StartComposition takes (the stage is the page's).
func (f *CompositionForm) StartInput() ivs.StartCompositionInput {
	in := ivs.StartCompositionInput{IdempotencyKey: f.Token, Layout: ivs.Layout{Kind: f.Layout, FeaturedParticipantAttribute: f.Featured}}
	if f.Layout == ivs.LayoutPiP {
		in.Layout.PipParticipantAttribute, in.Layout.PipPosition, in.Layout.PipBehavior = f.PipAttr, f.PipPosition, f.PipBehavior
	}
	var encs []string
	if f.Encoder != "" {
		encs = []string{f.Encoder}
	}
	for _, ch := range f.Channels {
		in.Destinations = append(in.Destinations, ivs.DestinationInput{ChannelARN: ch, EncoderConfigurationARNs: encs})
	}
	for _, s := range f.Storages {
		in.Destinations = append(in.Destinations, ivs.DestinationInput{StorageConfigurationARN: s, EncoderConfigurationARNs: encs})
	}
	return in
}
