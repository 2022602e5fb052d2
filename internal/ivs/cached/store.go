package cached

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// scope is what an entry is about, for invalidation after writes.
type scope struct {
	region      ivs.Region
	op          Op
	stage       string // stage ARN, when the read is about one stage
	session     string
	participant string
	arn         string // ingest configuration ARN, for GetIngestConfiguration
}

// entry is one cached value. v is immutable once stored.
type entry struct {
	scope
	v       any
	at      time.Time // when it was fetched
	expires time.Time
	items   int          // list items held, for the memory cap
	used    atomic.Int64 // last hit, unix seconds: LRU-ish eviction
}

// store is a bounded map of entries. Hits take the read lock only.
type store struct {
	mu       sync.RWMutex
	m        map[string]*entry
	items    int
	gen      uint64 // bumped by every invalidation
	maxN     int
	maxItems int
	maxStale time.Duration
}

func newStore(maxN, maxItems int, maxStale time.Duration) *store {
	return &store{m: make(map[string]*entry), maxN: maxN, maxItems: maxItems, maxStale: maxStale}
}

// get returns the entry for k, fresh or not, and marks it used.
func (s *store) get(k []byte, now time.Time) *entry {
	s.mu.RLock()
	e := s.m[string(k)] // no allocation: the compiler converts in place
	s.mu.RUnlock()
	touch(e, now)
	return e
}

// lookup is get for a string key (the miss path).
func (s *store) lookup(k string, now time.Time) *entry {
	s.mu.RLock()
	e := s.m[k]
	s.mu.RUnlock()
	touch(e, now)
	return e
}

func touch(e *entry, now time.Time) {
	if e != nil {
		// Write only when the second changes: 200 viewers hitting one key
		// should not all bounce the same cache line.
		if t := now.Unix(); e.used.Load() != t {
			e.used.Store(t)
		}
	}
}

// generation is read before a flight starts; put refuses values fetched
// across an invalidation, which may predate the write.
func (s *store) generation() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.gen
}

func (s *store) put(k string, e *entry, gen uint64, now time.Time) {
	e.used.Store(now.Unix())
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen != gen {
		return
	}
	if old := s.m[k]; old != nil {
		s.items -= old.items
	}
	s.m[k] = e
	s.items += e.items
	for len(s.m) > s.maxN || (s.items > s.maxItems && len(s.m) > 1) {
		s.evictOne(k, now)
	}
}

// evictOne drops, from a small sample, an entry too old to serve even stale,
// else the least recently used one (sampling as Redis does: O(1), LRU-ish).
// keep is the entry just stored.
func (s *store) evictOne(keep string, now time.Time) {
	const sample = 8
	var victim string
	var oldest int64
	n := 0
	for k, e := range s.m { // map iteration starts at a random place
		if k == keep {
			continue
		}
		if now.Sub(e.at) > s.maxStale {
			victim = k
			break
		}
		if u := e.used.Load(); victim == "" || u < oldest {
			victim, oldest = k, u
		}
		if n++; n == sample {
			break
		}
	}
	if victim == "" {
		return
	}
	s.items -= s.m[victim].items
	delete(s.m, victim)
}

func (s *store) remove(k string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.m[k]; e != nil {
		s.items -= e.items
		delete(s.m, k)
	}
}

// invalidate drops every entry match selects. Writes are human actions,
// rare next to reads, so a scan of the bounded map is cheap enough.
func (s *store) invalidate(match func(*scope) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gen++
	for k, e := range s.m {
		if match(&e.scope) {
			s.items -= e.items
			delete(s.m, k)
		}
	}
}

func (s *store) len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.m)
}
