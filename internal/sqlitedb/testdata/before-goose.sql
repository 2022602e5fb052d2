-- The schema as the audit log and the history store created it before
-- goose migrations (commit 4fe8c68), with a row in each table.
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
INSERT INTO history_schema_version (id, version) VALUES (1, 1);
INSERT INTO audit_events (at_us, actor, action, outcome) VALUES (1700000000000000, 'ann@example.com', 'ingest.reveal', 'success');
INSERT INTO history_transitions (at_us, kind, subject, to_state) VALUES (1700000000000000, 'pair', 'arn:a', 'degraded');
INSERT INTO history_samples (at_us, stage_arn, connected, publishers) VALUES (1700000000000000, 'arn:s', 3, 2);
INSERT INTO notify_alerts (transition_id, alert_id, key, status, at_us) VALUES (1, 2, 'arn:a', 'firing', 1700000000000000);
INSERT INTO notify_deliveries (transition_id, target, target_index, target_host, key, payload, created_us, next_us, updated_us)
	VALUES (1, 't1', 1, 'a.example', 'arn:a', X'7B7D', 1, 1, 1);
