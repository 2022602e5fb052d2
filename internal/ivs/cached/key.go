package cached

import (
	"encoding/binary"
	"strconv"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// keyBuf is stack space for a key: ARNs, ids and a short token fit, so a
// cache hit builds its key without allocating.
type keyBuf [256]byte

// appendKey encodes op, region and the arguments. Each part is
// length-prefixed, so no two argument lists share a key.
func appendKey(b []byte, op Op, region ivs.Region, args ...string) []byte {
	b = append(b, byte(op))
	b = appendPart(b, string(region))
	for _, a := range args {
		b = appendPart(b, a)
	}
	return b
}

func appendPart(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendList adds a ListQuery's paging arguments.
func appendList(b []byte, q ivs.ListQuery) []byte {
	b = appendPart(b, q.NextToken)
	return strconv.AppendInt(b, int64(q.MaxResults), 10)
}

// boolArg encodes a boolean filter.
func boolArg(b bool) string {
	if b {
		return "t"
	}
	return ""
}

// flightKey is the coalescing key: the cache key plus the store generation,
// so reads that start after an invalidation never join a flight that began
// before the write.
func flightKey(k []byte, gen uint64) string {
	return string(binary.BigEndian.AppendUint64(k, gen))
}
