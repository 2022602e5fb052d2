-- The console's embedded schema: the audit log and the board's history
-- (with internal/notify's ledger and outbox) share one file. Written with
-- IF NOT EXISTS so that a file made before migrations existed adopts
-- version 1 as it is.

-- +goose Up
CREATE TABLE IF NOT EXISTS audit_events (
	id          INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, even after pruning
	at_us       INTEGER NOT NULL,                  -- unix microseconds, UTC
	actor       TEXT NOT NULL,
	role        TEXT NOT NULL DEFAULT '',
	region      TEXT NOT NULL DEFAULT '',
	resource    TEXT NOT NULL DEFAULT '',
	action      TEXT NOT NULL,
	outcome     TEXT NOT NULL,
	client_addr TEXT NOT NULL DEFAULT '',
	request_id  TEXT NOT NULL DEFAULT '',
	detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_events_actor    ON audit_events (actor, id);
CREATE INDEX IF NOT EXISTS audit_events_action   ON audit_events (action, id);
CREATE INDEX IF NOT EXISTS audit_events_resource ON audit_events (resource, id);
CREATE INDEX IF NOT EXISTS audit_events_at       ON audit_events (at_us);

CREATE TABLE IF NOT EXISTS history_schema_version (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS history_transitions (
	id             INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, even after pruning
	at_us          INTEGER NOT NULL,                  -- unix microseconds, UTC
	region         TEXT NOT NULL DEFAULT '',
	kind           TEXT NOT NULL,
	subject        TEXT NOT NULL,
	subject_name   TEXT NOT NULL DEFAULT '',
	stage_arn      TEXT NOT NULL DEFAULT '',
	session_id     TEXT NOT NULL DEFAULT '',
	encoder        TEXT NOT NULL DEFAULT '',
	participant_id TEXT NOT NULL DEFAULT '',
	from_state     TEXT NOT NULL DEFAULT '',
	to_state       TEXT NOT NULL DEFAULT '',
	cause          TEXT NOT NULL DEFAULT '',
	detail         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS history_transitions_subject ON history_transitions (subject, id);
CREATE INDEX IF NOT EXISTS history_transitions_stage   ON history_transitions (stage_arn, session_id, id);
CREATE INDEX IF NOT EXISTS history_transitions_kind    ON history_transitions (kind, id);
CREATE INDEX IF NOT EXISTS history_transitions_at      ON history_transitions (at_us);

CREATE TABLE IF NOT EXISTS history_samples (
	id         INTEGER PRIMARY KEY,
	at_us      INTEGER NOT NULL,
	region     TEXT NOT NULL DEFAULT '',
	stage_arn  TEXT NOT NULL,
	session_id TEXT NOT NULL DEFAULT '',
	connected  INTEGER NOT NULL,
	publishers INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS history_samples_stage ON history_samples (stage_arn, session_id, at_us);
CREATE INDEX IF NOT EXISTS history_samples_at    ON history_samples (at_us);

-- notify's ledger: one row per transition that raised an alert, so that
-- enqueuing it again records nothing new.
CREATE TABLE IF NOT EXISTS notify_alerts (
	transition_id INTEGER PRIMARY KEY, -- the pair transition
	alert_id      INTEGER NOT NULL,    -- the KindAlert transition recorded for it
	key           TEXT NOT NULL,
	status        TEXT NOT NULL,
	at_us         INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS notify_alerts_at ON notify_alerts (at_us);

-- notify's outbox: one row per message and target. A target is known by an
-- opaque id and its host, never by its URL (webhook URLs embed secrets).
CREATE TABLE IF NOT EXISTS notify_deliveries (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	transition_id INTEGER NOT NULL,
	target        TEXT NOT NULL,
	target_index  INTEGER NOT NULL,
	target_host   TEXT NOT NULL,
	key           TEXT NOT NULL,
	key_name      TEXT NOT NULL DEFAULT '',
	region        TEXT NOT NULL DEFAULT '',
	stage_arn     TEXT NOT NULL DEFAULT '',
	session_id    TEXT NOT NULL DEFAULT '',
	payload       BLOB NOT NULL,
	status        TEXT NOT NULL DEFAULT 'pending',
	attempts      INTEGER NOT NULL DEFAULT 0,
	created_us    INTEGER NOT NULL,
	next_us       INTEGER NOT NULL,
	updated_us    INTEGER NOT NULL,
	last_error    TEXT NOT NULL DEFAULT '',
	UNIQUE (transition_id, target)
);
CREATE INDEX IF NOT EXISTS notify_deliveries_pending ON notify_deliveries (target, key, id) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS notify_deliveries_created ON notify_deliveries (created_us);
-- Consoles from before goose read this version; a migration that old
-- consoles must not write through raises it.
INSERT INTO history_schema_version (id, version) VALUES (1, 1) ON CONFLICT (id) DO NOTHING;
