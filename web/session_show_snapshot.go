package web

import (
	"encoding/base64"
	"encoding/binary"
	"hash/fnv"
	"strconv"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// Live refresh of a session's participant table.
//
// The page's table block carries a compact snapshot of its rows (a 32-bit
// hash per row, base64) in data-snap; app.js sends it back in a header with
// the next refresh. The refresh URL itself has no per-viewer part, so that
// everyone on the same view asks the same question and the cached layer
// answers them with one upstream call per freshness period; the snapshot
// only decides which rows are marked as changed.

// snapshotHeader carries the viewer's previous snapshot.
const snapshotHeader = "X-Greenroom-Snapshot"

// maxSnapshotRows bounds the snapshot (and the header) to one API page.
const maxSnapshotRows = 100

func rowHash(p ivs.Participant) uint32 {
	h := fnv.New32a()
	for _, s := range []string{p.ID, p.UserID, p.State, strconv.FormatBool(p.Published), p.RecordingState,
		p.ReplicationType, p.ReplicationState, p.IngestConfigurationARN, p.FirstJoinTime.UTC().String()} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return h.Sum32()
}

// snapshotOf encodes the rows' hashes.
func snapshotOf(rows []ivs.Participant) string {
	n := min(len(rows), maxSnapshotRows)
	buf := make([]byte, 4*n)
	for i := range n {
		binary.BigEndian.PutUint32(buf[4*i:], rowHash(rows[i]))
	}
	return base64.RawURLEncoding.EncodeToString(buf)
}

// changedRows compares rows with a previous snapshot: a row is changed when
// it was not among the rows shown before (new, or a field differs). A
// missing or damaged snapshot marks nothing (it is only a highlight).
func changedRows(prev string, rows []ivs.Participant) (marks []bool, changed int, ok bool) {
	if prev == "" || len(prev) > base64.RawURLEncoding.EncodedLen(4*maxSnapshotRows) {
		return nil, 0, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(prev)
	if err != nil || len(raw)%4 != 0 {
		return nil, 0, false
	}
	seen := make(map[uint32]struct{}, len(raw)/4)
	for i := 0; i < len(raw); i += 4 {
		seen[binary.BigEndian.Uint32(raw[i:])] = struct{}{}
	}
	marks = make([]bool, len(rows))
	for i, p := range rows {
		if _, was := seen[rowHash(p)]; !was {
			marks[i] = true
			changed++
		}
	}
	return marks, changed, true
}
