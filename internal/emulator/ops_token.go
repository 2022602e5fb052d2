package emulator

import (
	"encoding/base64"
	"encoding/json"
	"time"
)

func init() {
	register("CreateParticipantToken", opCreateParticipantToken, errNotFound, errQuota, errPendingVerify)
}

// tokenRequest is a ParticipantTokenConfiguration.
type tokenRequest struct {
	Duration     *int              `json:"duration"`
	UserID       *string           `json:"userId"`
	Attributes   map[string]string `json:"attributes"`
	Capabilities []string          `json:"capabilities"`
}

func (t tokenRequest) validate(v *validator, prefix string) {
	v.intRange(prefix+"duration", t.Duration, 1, 20160)
	v.optStr(prefix+"userId", t.UserID, 0, 128, nil, "")
	v.attributes(prefix+"attributes", t.Attributes)
	v.maxSize(prefix+"capabilities", len(t.Capabilities), 2)
	for _, cp := range t.Capabilities {
		v.enum(prefix+"capabilities.member", cp, "PUBLISH", "SUBSCRIBE")
	}
}

type createTokenReq struct {
	StageArn *string `json:"stageArn"`
	tokenRequest
}

func opCreateParticipantToken(c *call) (any, error) {
	var req createTokenReq
	if err := decodeBody(c.body, &req); err != nil {
		return nil, err
	}
	var v validator
	req.validate(&v, "")
	if err := v.err(); err != nil {
		return nil, err
	}
	st, err := c.stageArg("stageArn", req.StageArn)
	if err != nil {
		return nil, err
	}
	return struct {
		ParticipantToken participantTokenOut `json:"participantToken"`
	}{c.e.issueToken(c.w, st, req.tokenRequest, c.now)}, nil
}

// issueToken mints a participant token: a JWT-shaped string whose claims
// look like IVS's, with a random (unverifiable) signature.
func (e *Emulator) issueToken(w *world, st *stage, t tokenRequest, now int64) participantTokenOut {
	dur := 720
	if t.Duration != nil {
		dur = *t.Duration
	}
	caps := t.Capabilities
	if len(caps) == 0 {
		caps = []string{"PUBLISH", "SUBSCRIBE"}
	}
	pid := e.ids.participantID()
	exp := now + int64(dur)*int64(time.Minute/time.Millisecond)
	claims, _ := json.Marshal(map[string]any{
		"jti": pid, "iat": now / 1000, "exp": exp / 1000, "resource": st.arn, "topic": st.id,
		"events_url": st.endpoints.Events, "whip_url": st.endpoints.Whip, "user_id": deref(t.UserID),
		"attributes": emptyMap(t.Attributes), "version": "1.0",
		"capabilities": map[string]bool{"allow_publish": has(caps, "PUBLISH"), "allow_subscribe": has(caps, "SUBSCRIBE")},
	})
	st.rememberToken(pid, exp, now)
	enc := base64.RawURLEncoding
	tok := enc.EncodeToString([]byte(`{"alg":"ES384","typ":"JWT"}`)) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString([]byte(secret(96)))
	return participantTokenOut{ParticipantID: pid, Token: tok, UserID: deref(t.UserID), Attributes: copyMap(t.Attributes),
		Duration: dur, Capabilities: append([]string(nil), caps...), ExpirationTime: isoTime(exp)}
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
