// Package history keeps the durable record of what happened on live stages:
// the transitions the watcher (internal/watch) sees (an encoder starts or
// stops publishing, a redundant pair goes protected → degraded → down and
// back, a session starts or ends), the alerts and webhook deliveries
// internal/notify makes of them, and samples of each live stage's
// participants for its chart.
//
// Store is the seam. OpenSQLite gives the embedded default: its own tables
// in an SQLite file (the console shares the audit log's file), WAL with
// synchronous=FULL, so a transition whose Append returned nil survives a
// crash or a power cut. Samples are cheaper and less precious: AddSample
// queues them in memory and they reach the disk in batches, within a
// second. OpenPostgres gives the same Store over PostgreSQL (a pool from
// pgdb.Open), which several console replicas share.
//
// Both stores are also internal/notify's durable outbox (EnqueueAlert,
// DueDeliveries, UpdateDelivery), so that an alert and its deliveries are
// queued in the same transaction.
//
// Nothing here may hold a secret: every free-text field is passed through
// ivs.RedactStreamKeys before it is stored, and the outbox knows webhook
// targets only by an opaque id and their host name.
package history
