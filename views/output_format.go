package views

import (
	"fmt"
	"strings"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// LayoutWords says a composition's layout and its main options.
func LayoutWords(l ivs.Layout) string {
	var parts []string
	switch l.Kind {
	case ivs.LayoutPiP:
		parts = append(parts, "picture-in-picture")
		if l.PipPosition != "" {
			parts = append(parts, "window "+strings.ToLower(strings.ReplaceAll(l.PipPosition, "_", " ")))
		}
		if l.PipBehavior != "" {
			parts = append(parts, strings.ToLower(l.PipBehavior))
		}
		if l.PipParticipantAttribute != "" {
			parts = append(parts, "in the window: attribute “"+l.PipParticipantAttribute+"”")
		}
	case ivs.LayoutGrid:
		parts = append(parts, "grid")
		if l.VideoAspectRatio != "" {
			parts = append(parts, "aspect "+strings.ToLower(l.VideoAspectRatio))
		}
		parts = append(parts, fmt.Sprintf("gap %d px", l.GridGap))
	default:
		return "—"
	}
	if l.FeaturedParticipantAttribute != "" {
		parts = append(parts, "featured: attribute “"+l.FeaturedParticipantAttribute+"”")
	}
	if l.OmitStoppedVideo {
		parts = append(parts, "stopped video omitted")
	}
	return strings.Join(parts, ", ")
}

// VideoWords says an encoder configuration's video settings.
func VideoWords(e ivs.EncoderConfiguration) string {
	if e.Width == 0 && e.Bitrate == 0 {
		return "—"
	}
	return fmt.Sprintf("%d×%d, %g fps, %s", e.Width, e.Height, e.Framerate, Bitrate(e.Bitrate))
}

// Bitrate says bits per second in Mbps or kbps.
func Bitrate(bps int32) string {
	if bps >= 1_000_000 {
		return fmt.Sprintf("%g Mbps", float64(bps)/1e6)
	}
	return fmt.Sprintf("%g kbps", float64(bps)/1e3)
}

// DestinationSince is when a destination entered its state, as far as the
// console knows: the watcher's first sight when it has one, else the
// destination's start.
func DestinationSince(d ivs.Destination, seen map[string]time.Time) time.Time {
	if t, ok := seen[d.ID]; ok && !t.IsZero() {
		return t
	}
	return d.StartTime
}
