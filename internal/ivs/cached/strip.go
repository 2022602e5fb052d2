package cached

import "github.com/greenroom-dev/greenroom/internal/ivs"

// stripConfig removes stream keys before a configuration is stored. Only
// RevealStreamKeys should ever return keys; this is the belt to its braces.
func stripConfig(c ivs.IngestConfiguration) ivs.IngestConfiguration {
	c.StreamKey = ivs.StreamKey{}
	if len(c.Credentials) > 0 {
		creds := make([]ivs.RedundantCredential, len(c.Credentials))
		for i, cr := range c.Credentials {
			creds[i] = ivs.RedundantCredential{ParticipantID: cr.ParticipantID}
		}
		c.Credentials = creds // a copy: never write into the inner service's slice
	}
	return c
}

func hasKeys(c *ivs.IngestConfiguration) bool {
	if !c.StreamKey.IsZero() {
		return true
	}
	for _, cr := range c.Credentials {
		if !cr.StreamKey.IsZero() {
			return true
		}
	}
	return false
}

// stripPage strips every item, copying the slice only if a key is there.
func stripPage(p ivs.Page[ivs.IngestConfiguration]) ivs.Page[ivs.IngestConfiguration] {
	for i := range p.Items {
		if hasKeys(&p.Items[i]) {
			items := make([]ivs.IngestConfiguration, len(p.Items))
			for j, c := range p.Items {
				items[j] = stripConfig(c)
			}
			p.Items = items
			break
		}
	}
	return p
}
