// Package sharedbudget is the IVS call budget shared by the console's
// replicas: N replicas behind a load balancer together spend at most the
// configured budget of each operation in each region, not N times it.
//
// # Why GCRA on Redis
//
// Each call is one atomic Lua script on Redis (go-redis/redis_rate's GCRA):
// the script reads one key, the theoretical arrival time of the next call,
// compares it with Redis's own clock and, when the call is allowed, moves it
// forward. Nothing refills in the background and the replicas never talk to
// each other: whichever replica asks, the same key and the same clock
// decide, so the rate holds across replicas without coordination, and a
// replica that joins or leaves changes nothing. One round trip on loopback
// or in the same zone costs well under a millisecond, next to the tens of
// milliseconds of the IVS call it guards.
//
// A limiter on the PostgreSQL audit database was the alternative: it would
// cost a write and a row lock per IVS call on the database that keeps the
// audit trail, serialise every replica's calls of an operation on that row,
// and put the audit log's latency (and its outages) in front of every page.
//
// # Pools, keys and rates
//
// A Budget serves one pool: "pages" (what viewers' requests spend) or
// "watch" (the watcher's own share). Its keys are Prefix + pool + ":" +
// region + ":" + operation (redis_rate adds its "rate:" in front), and the
// limit of each call is the cluster-wide rate and burst of its operation.
//
// # Fallback
//
// When Redis fails or does not answer within CallTimeout (100 ms by
// default), the Budget falls back to a local token bucket per region and
// operation holding this replica's safe share: rate ÷ Replicas, burst
// max(1, burst ÷ Replicas). It never stops serving, and as long as every
// replica is configured with the true number of replicas, all of them
// together still stay within the budget, plus at most one burst at each
// switch (local buckets start full, and Redis does not know what was spent
// locally). This holds when Redis is gone for every replica; when only some
// replicas lose it, the others still share the whole budget, so k replicas
// cut off out of N add up to k/N of it. While it falls back it makes no
// Redis call on the request path, so no request pays the timeout: every
// ProbeEvery (3 s by default) one probe, off the request path, asks Redis
// again, and the first that succeeds returns the Budget to shared. Each
// change of state is logged once, shown by Status (for /readyz) and by the
// greenroom_call_budget_shared gauge; greenroom_call_budget_fallbacks_total
// counts the falls.
//
// Redis URLs may carry a password: ParseURL and Redact keep it out of
// errors, logs and Status.
package sharedbudget
