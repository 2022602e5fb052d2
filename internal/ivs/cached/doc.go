// Package cached wraps an ivs.Service with the layers that keep the console
// from spending the account's IVS call budget, whatever the number of viewers:
//
//   - a short-lived read cache with per-operation freshness, bounded in size;
//   - request coalescing: identical concurrent reads make one upstream call;
//   - a per-region, per-operation call budget (token bucket), well below the
//     account's 5 TPS that the customer's own backend shares; this
//     replica's own by default, or shared by all replicas through Redis
//     (Options.Shared, internal/sharedbudget);
//   - stale-if-error and stale-if-over-budget, recorded with ivs.MarkStale so
//     that pages can say their data is not fresh;
//   - invalidation after the console's own writes.
//
// Stream keys are never cached or coalesced: RevealStreamKeys always goes
// upstream (under the budget), and keys are stripped from anything stored.
//
// Values returned by reads are shared between viewers: callers must treat
// them as read-only (pages' Items slices are capped, so append copies, but
// elements and their maps must not be modified).
package cached
