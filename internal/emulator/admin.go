package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// serveAdmin is the emulator's own API under /_emulator/: faults, reset,
// step, encoders publishing with a stream key, and cues (cue.go). It is
// never subject to injected faults.
func (e *Emulator) serveAdmin(w http.ResponseWriter, r *http.Request, path string) {
	switch {
	case path == "faults" && r.Method == http.MethodGet:
		adminJSON(w, http.StatusOK, e.Faults())
	case path == "faults" && r.Method == http.MethodPut:
		var f Faults
		if err := adminDecode(r, &f); err != nil {
			adminError(w, http.StatusBadRequest, "BadRequest", err.Error())
			return
		}
		if err := f.validate(); err != nil {
			adminError(w, http.StatusBadRequest, "BadRequest", err.Error())
			return
		}
		e.SetFaults(f)
		adminJSON(w, http.StatusOK, f)
	case path == "reset" && r.Method == http.MethodPost:
		e.Reset()
		adminJSON(w, http.StatusOK, map[string]string{"status": "reset"})
	case path == "step" && r.Method == http.MethodPost:
		e.Step()
		adminJSON(w, http.StatusOK, map[string]string{"status": "stepped"})
	case path == "events" || path == "events/faults":
		e.serveEventsAdmin(w, r, path)
	case path == "health" && r.Method == http.MethodGet:
		adminJSON(w, http.StatusOK, map[string]string{"status": "ok", "accountId": e.opts.AccountID})
	case (path == "publish" || path == "unpublish") && r.Method == http.MethodPost:
		e.adminPublish(w, r, path == "publish")
	case path == "ingest" && r.Method == http.MethodGet:
		serveCue(w, r, e.cueListIngest)
	case path == "encoder/drop" && r.Method == http.MethodPost:
		serveCue(w, r, e.cueDrop)
	case path == "encoder/recover" && r.Method == http.MethodPost:
		serveCue(w, r, e.cueRecover)
	case path == "session/end" && r.Method == http.MethodPost:
		serveCue(w, r, e.cueEndSession)
	case path == "participants/add" && r.Method == http.MethodPost:
		serveCue(w, r, e.cueAddParticipants)
	case path == "participants/remove" && r.Method == http.MethodPost:
		serveCue(w, r, e.cueRemoveParticipants)
	case path == "compositions" && r.Method == http.MethodGet:
		serveCue(w, r, e.cueListCompositions)
	case path == "composition/destination/fail" && r.Method == http.MethodPost:
		serveCue(w, r, e.cueFailDestination)
	case path == "composition/destination/recover" && r.Method == http.MethodPost:
		serveCue(w, r, e.cueRecoverDestination)
	default:
		adminError(w, http.StatusNotFound, "NotFound", "unknown admin endpoint "+r.Method+" /_emulator/"+path)
	}
}

type publishReq struct {
	Region    string `json:"region"`
	StreamKey string `json:"streamKey"`
	ErrorCode string `json:"errorCode"` // unpublish: PUBLISH_ERROR code recorded first, e.g. BITRATE_EXCEEDED
}

// adminPublish connects or disconnects an encoder by stream key, as OBS
// would, so tests and demos can make configurations ACTIVE.
func (e *Emulator) adminPublish(w http.ResponseWriter, r *http.Request, connect bool) {
	var req publishReq
	if err := adminDecode(r, &req); err != nil {
		adminError(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	if req.Region == "" {
		req.Region = "us-east-1"
	}
	code, err := parseErrorCode(req.ErrorCode)
	if err != nil {
		writeAdminErr(w, err)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	wld, ok := e.worlds[req.Region]
	if !ok {
		adminError(w, http.StatusNotFound, "INVALID_STREAM_KEY", "The stream key is not valid")
		return
	}
	now := ms(e.clock.Now())
	e.settle(wld, now)
	var res publishResult
	if connect {
		res, err = e.publish(wld, req.StreamKey, now, e.ids)
	} else {
		err = e.unpublish(wld, req.StreamKey, now, code)
	}
	var ae *apiError
	if errors.As(err, &ae) {
		adminError(w, http.StatusConflict, ae.Type, ae.Message)
		return
	}
	// Publishing by key is a recovery on cue; unpublishing a drop on cue,
	// which the simulator leaves alone.
	*wld.keys[req.StreamKey].held() = !connect
	if connect {
		adminJSON(w, http.StatusOK, res)
		return
	}
	adminJSON(w, http.StatusOK, map[string]string{"status": "disconnected"})
}

func errorCodeByName(s string) errorCode {
	for i, n := range errorCodeNames {
		if i > 0 && n == s {
			return errorCode(i)
		}
	}
	return codeNone
}

func adminDecode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func adminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func adminError(w http.ResponseWriter, status int, code, msg string) {
	adminJSON(w, status, map[string]string{"error": code, "message": msg})
}
