-- The console's shared schema on PostgreSQL: the audit log and the board's
-- history (with internal/notify's ledger and outbox), as in SQLite
-- (internal/sqlitedb/migrations/00001_schema.sql). Times are unix
-- microseconds (UTC) in bigint columns, like SQLite's, so both stores run
-- the same queries and round-trip times exactly.

-- +goose Up
CREATE TABLE audit_events (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- never reused, even after pruning
	at_us       bigint NOT NULL,
	actor       text NOT NULL,
	role        text NOT NULL DEFAULT '',
	region      text NOT NULL DEFAULT '',
	resource    text NOT NULL DEFAULT '',
	action      text NOT NULL,
	outcome     text NOT NULL,
	client_addr text NOT NULL DEFAULT '',
	request_id  text NOT NULL DEFAULT '',
	detail      text NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_actor    ON audit_events (actor, id);
CREATE INDEX audit_events_action   ON audit_events (action, id);
CREATE INDEX audit_events_resource ON audit_events (resource, id);
CREATE INDEX audit_events_at       ON audit_events (at_us);

CREATE TABLE history_transitions (
	id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at_us          bigint NOT NULL,
	region         text NOT NULL DEFAULT '',
	kind           text NOT NULL,
	subject        text NOT NULL,
	subject_name   text NOT NULL DEFAULT '',
	stage_arn      text NOT NULL DEFAULT '',
	session_id     text NOT NULL DEFAULT '',
	encoder        text NOT NULL DEFAULT '',
	participant_id text NOT NULL DEFAULT '',
	from_state     text NOT NULL DEFAULT '',
	to_state       text NOT NULL DEFAULT '',
	cause          text NOT NULL DEFAULT '',
	detail         text NOT NULL DEFAULT ''
);
CREATE INDEX history_transitions_subject ON history_transitions (subject, id);
CREATE INDEX history_transitions_stage   ON history_transitions (stage_arn, session_id, id);
CREATE INDEX history_transitions_kind    ON history_transitions (kind, id);
CREATE INDEX history_transitions_at      ON history_transitions (at_us);

CREATE TABLE history_samples (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at_us      bigint NOT NULL,
	region     text NOT NULL DEFAULT '',
	stage_arn  text NOT NULL,
	session_id text NOT NULL DEFAULT '',
	connected  integer NOT NULL,
	publishers integer NOT NULL
);
CREATE INDEX history_samples_stage ON history_samples (stage_arn, session_id, at_us);
CREATE INDEX history_samples_at    ON history_samples (at_us);

-- notify's ledger: one row per transition that raised an alert.
CREATE TABLE notify_alerts (
	transition_id bigint PRIMARY KEY,
	alert_id      bigint NOT NULL,
	key           text NOT NULL,
	status        text NOT NULL,
	at_us         bigint NOT NULL
);
CREATE INDEX notify_alerts_at ON notify_alerts (at_us);

-- notify's outbox. claimed_by and claim_until_us exist only here: several
-- replicas may run a notifier for a moment, and a claim keeps a delivery
-- with one of them (see history.PostgresStore.DueDeliveries).
CREATE TABLE notify_deliveries (
	id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	transition_id  bigint NOT NULL,
	target         text NOT NULL,
	target_index   integer NOT NULL,
	target_host    text NOT NULL,
	key            text NOT NULL,
	key_name       text NOT NULL DEFAULT '',
	region         text NOT NULL DEFAULT '',
	stage_arn      text NOT NULL DEFAULT '',
	session_id     text NOT NULL DEFAULT '',
	payload        bytea NOT NULL,
	status         text NOT NULL DEFAULT 'pending',
	attempts       integer NOT NULL DEFAULT 0,
	created_us     bigint NOT NULL,
	next_us        bigint NOT NULL,
	updated_us     bigint NOT NULL,
	last_error     text NOT NULL DEFAULT '',
	claimed_by     text NOT NULL DEFAULT '',
	claim_until_us bigint NOT NULL DEFAULT 0,
	UNIQUE (transition_id, target)
);
CREATE INDEX notify_deliveries_pending ON notify_deliveries (target, key, id) WHERE status = 'pending';
CREATE INDEX notify_deliveries_created ON notify_deliveries (created_us);

-- +goose Down
DROP TABLE notify_deliveries, notify_alerts, history_samples, history_transitions, audit_events;
