// Package cluster lets several console replicas act as one: they elect a
// leader over PostgreSQL, only the leader watches IVS and sends alerts, and
// every replica serves the leader's live model, which reaches the others
// through the shared database (a row per region, and LISTEN/NOTIFY to say
// it changed).
//
// Why an advisory lock: PostgreSQL is already the shared store, and a
// session-level advisory lock is held exactly as long as the leader's
// connection lives. A leader that dies (SIGKILL, lost node) drops its
// connection and the lock with it, so a follower that retries every
// RetryEvery takes over within that interval; there is no lease to tune
// against clock drift. The leader pings its lock connection, and stops
// leading at once when it cannot (it may have lost the lock); the
// connection's TCP keepalives make the server drop a vanished leader's
// session (and its lock) within seconds too.
package cluster
