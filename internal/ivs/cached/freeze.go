package cached

import "github.com/greenroom-dev/greenroom/internal/ivs"

// freeze readies a fetched value for sharing between viewers: keys are
// stripped, list slices capped so a caller's append copies instead of
// writing into the shared array, and list items counted for the memory cap.
func freeze(v any) (any, int) {
	switch p := v.(type) {
	case ivs.IngestConfiguration:
		return stripConfig(p), 1
	case ivs.Page[ivs.IngestConfiguration]:
		p = stripPage(p)
		return capPage(p), len(p.Items)
	case ivs.Page[ivs.Participant]:
		return capPage(p), len(p.Items)
	case ivs.Page[ivs.ParticipantEvent]:
		return capPage(p), len(p.Items)
	case ivs.Page[ivs.StageSession]:
		return capPage(p), len(p.Items)
	case ivs.Page[ivs.Stage]:
		return capPage(p), len(p.Items)
	case ivs.Page[ivs.Composition]:
		return capPage(p), len(p.Items)
	case ivs.Page[ivs.EncoderConfiguration]:
		return capPage(p), len(p.Items)
	case ivs.Page[ivs.StorageConfiguration]:
		return capPage(p), len(p.Items)
	case ivs.Page[ivs.PublicKey]:
		return capPage(p), len(p.Items)
	case ivs.Page[ivs.Replica]:
		return capPage(p), len(p.Items)
	}
	return v, 1
}

func capPage[T any](p ivs.Page[T]) ivs.Page[T] {
	p.Items = p.Items[:len(p.Items):len(p.Items)]
	return p
}
