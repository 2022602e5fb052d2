package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
)

// pageTokens makes nextTokens opaque and tamper-safe: a token is a position
// plus an HMAC (keyed per emulator, from crypto/rand) over the operation, the
// region, the request's scope (stage, session, filter) and the position. A
// token altered, forged, issued by another emulator or replayed against
// another operation or filter fails the MAC and is a ValidationException.
type pageTokens struct{ key []byte }

const tokenMACLen = 16

var tokenEncoding = base64.RawURLEncoding // alphabet within the model's [a-zA-Z0-9+/=_-]*

func (p pageTokens) mac(scope string, pos int64) []byte {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(scope))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(pos))
	m.Write(b[:])
	return m.Sum(nil)[:tokenMACLen]
}

// issue returns the token that resumes listing after position pos.
func (p pageTokens) issue(scope string, pos int64) string {
	buf := make([]byte, 8, 8+tokenMACLen)
	binary.BigEndian.PutUint64(buf, uint64(pos))
	buf = append(buf, p.mac(scope, pos)...)
	return tokenEncoding.EncodeToString(buf)
}

// parse returns the position in a token, or a ValidationException.
func (p pageTokens) parse(scope, tok string) (int64, error) {
	raw, err := tokenEncoding.DecodeString(tok)
	if err != nil || len(raw) != 8+tokenMACLen {
		return 0, validationf("The nextToken is not valid.")
	}
	pos := int64(binary.BigEndian.Uint64(raw[:8]))
	if !hmac.Equal(raw[8:], p.mac(scope, pos)) {
		return 0, validationf("The nextToken is not valid.")
	}
	return pos, nil
}
