-- Loss-proof across a Redis reset (issue 16): the relay records the stream entry id each outbox
-- row was published as, and where each topic's consumer groups had acknowledged up to. When
-- Redis comes back without what it had (a restart without persistence, a restore from an older
-- snapshot), the rows past both marks are published again.

ALTER TABLE outbox ADD COLUMN entry_id text;

-- Per topic: entries from `unacked_from` on were not yet acknowledged by every consumer group
CREATE TABLE bus_stream_marks (
  topic        text PRIMARY KEY,
  unacked_from text NOT NULL,
  run_id       text NOT NULL,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
