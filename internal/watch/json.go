package watch

import (
	"encoding/json"
	"errors"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// regionJSON is Region as the replicas share it: the sweep's failure as
// its (redacted) words, since an error value does not travel.
type regionJSON struct {
	*regionFields
	Err string `json:",omitempty"`
}

type regionFields Region

// MarshalJSON encodes a region's model for the other replicas. Stream keys
// are masked by their own encoding; the encoders a pair last observed stay
// behind (only the watcher that swept needs them).
func (r *Region) MarshalJSON() ([]byte, error) {
	f := regionFields(*r)
	f.Err = nil
	var text string
	if r.Err != nil {
		text = ivs.RedactStreamKeys(r.Err.Error())
	}
	return json.Marshal(regionJSON{regionFields: &f, Err: text})
}

// UnmarshalJSON decodes what MarshalJSON wrote.
func (r *Region) UnmarshalJSON(b []byte) error {
	v := regionJSON{regionFields: (*regionFields)(r)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	r.Err = nil
	if v.Err != "" {
		r.Err = errors.New(v.Err)
	}
	return nil
}
