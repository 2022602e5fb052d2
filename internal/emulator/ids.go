package emulator

import (
	crand "crypto/rand"
	"encoding/hex"
	"math/rand/v2"
)

const (
	alnum      = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	lowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789"
)

// idGen makes resource ids. The demo world and the simulator draw from a
// seeded generator so a fixed RandSeed gives the same world; resources created
// through the API draw from crypto/rand. Stream key secrets never use idGen.
type idGen struct{ r *rand.Rand }

func newSeededIDs(seed uint64) *idGen {
	return &idGen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func newCryptoIDs() *idGen {
	var b [16]byte
	_, _ = crand.Read(b[:])
	s1 := uint64(0)
	s2 := uint64(0)
	for i := 0; i < 8; i++ {
		s1 = s1<<8 | uint64(b[i])
		s2 = s2<<8 | uint64(b[8+i])
	}
	return &idGen{rand.New(rand.NewPCG(s1, s2))}
}

func (g *idGen) chars(set string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = set[g.r.IntN(len(set))]
	}
	return string(b)
}

func (g *idGen) resourceID() string    { return g.chars(alnum, 12) }
func (g *idGen) sessionID() string     { return "st-" + g.chars(alnum, 13) }
func (g *idGen) participantID() string { return g.chars(alnum, 12) }
func (g *idGen) endpointHash() string  { return g.chars(lowerAlnum, 12) }

// secret returns n unguessable alphanumeric characters from crypto/rand.
func secret(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/2)
	for len(out) < n {
		_, _ = crand.Read(buf)
		for _, c := range buf {
			// Rejection sampling: 248 = 4*62, so every character is equally likely.
			if c < 248 && len(out) < n {
				out = append(out, alnum[int(c)%len(alnum)])
			}
		}
	}
	return string(out)
}

// streamKey builds a key in IVS's shape: rt_<account>_<region>_<configuration id>_<secret>.
func streamKey(account, region, id string) string {
	return "rt_" + account + "_" + region + "_" + id + "_" + secret(32)
}

// requestID is a UUID-shaped id for x-amzn-RequestId.
func requestID() string {
	var b [16]byte
	_, _ = crand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
