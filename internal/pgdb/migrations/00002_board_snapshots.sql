-- The board's shared model: the elected leader of each region writes its
-- snapshot here and the other replicas read it.

-- +goose Up
CREATE TABLE board_snapshots (
	region  text PRIMARY KEY,
	version bigint NOT NULL,
	leader  text NOT NULL,
	body    jsonb NOT NULL,
	at      timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE board_snapshots;
