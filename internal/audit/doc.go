// Package audit records who did what in the console: every stream key
// reveal and every change, with its outcome, durably, before the response
// is sent.
//
// Log is the seam. OpenSQLite gives the embedded default: one SQLite file
// in WAL mode with synchronous=FULL, so an event whose Record returned nil
// survives a crash or a power cut. Several console replicas cannot share an
// SQLite file: they share PostgreSQL, OpenPostgres over a pool from
// pgdb.Open, with the same queries and guarantees.
//
// Nothing in an Event may hold a secret. Callers must not put stream keys
// in Detail or anywhere else; as a safety net, Record masks anything shaped
// like an IVS stream key.
package audit
