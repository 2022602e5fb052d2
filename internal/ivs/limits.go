package ivs

import (
	"maps"
	"strings"
)

// Limits of the IVS Real-Time API (service model 2020-07-14) that the
// console checks before it calls: forms, URL parsers and the emulator's
// clients all read them from here.
const (
	MaxIngestNameLen   = 128  // IngestConfigurationName: 0-128, [a-zA-Z0-9-_]*
	MaxUserIDLen       = 128  // UserId: 0-128 bytes
	MaxAttributesLen   = 1024 // ParticipantAttributes: 1 KB in all (keys + values)
	MaxTagKeyLen       = 128  // TagKey: 1-128
	MaxTagValueLen     = 256  // TagValue: 0-256
	MaxTags            = 50   // Tags: at most 50 per resource
	MaxReasonLen       = 128  // DisconnectParticipant reason
	MaxNextTokenLen    = 1024 // nextToken of every List operation
	SessionIDLen       = 16   // "st-" and 13 letters or digits
	MaxParticipantID   = 64   // participant ids
	MaxPageSize        = 100  // maxResults of every List operation
	MaxStagesPerRegion = 1000 // default quota: the console pages through at most this many
)

// IdempotencyTag is the tag the service layer adds to every create so that it
// can find a configuration again after an ambiguous failure. It is
// Greenroom's own: users cannot set it and a rotation does not copy it.
const IdempotencyTag = "greenroom:idempotency-key"

// MaxUserTags leaves room for IdempotencyTag, so that a create stays within
// the API's 50 tags.
const MaxUserTags = MaxTags - 1

// UserTags are a resource's tags without Greenroom's IdempotencyTag and
// AWS's reserved "aws:" tags: what a user set, and what a copy inherits.
func UserTags(tags map[string]string) map[string]string {
	out := maps.Clone(tags)
	for k := range out {
		if k == IdempotencyTag || strings.HasPrefix(strings.ToLower(k), "aws:") {
			delete(out, k)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
