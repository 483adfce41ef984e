-- The transactional outbox and the consumer-side deduplication table of the event bus.
--
-- Events that matter for money (orders, fills, positions, bankroll changes) are inserted into
-- `outbox` in the same transaction as the state change they describe; the relay publishes them
-- to the bus in `seq` order and stamps `published_at`. Delivery is at least once, so every event
-- carries its `event_id` and consumers deduplicate (`bus_consumed` for durable consumers).

CREATE TABLE outbox (
  seq          bigserial PRIMARY KEY,
  event_id     text NOT NULL UNIQUE CHECK (length(event_id) BETWEEN 1 AND 160),
  topic        text NOT NULL CHECK (topic ~ '^[a-z][a-z0-9._-]{0,63}$'),
  -- The aggregate the event is about (order, position, account): its events keep their order
  aggregate    text NOT NULL,
  -- The payload exactly as published: JSON text encoded by the topic's schema
  payload      text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  trace_id     text,
  span_id      text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished_idx ON outbox (seq) WHERE published_at IS NULL;
CREATE INDEX outbox_published_idx ON outbox (published_at) WHERE published_at IS NOT NULL;

-- Wakes relays in other processes at commit (LISTEN arbees_outbox); one notification per statement
CREATE FUNCTION arbees_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('arbees_outbox', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION arbees_outbox_notify();

-- Events a durable consumer group has handled, written in the handler's own transaction
CREATE TABLE bus_consumed (
  consumer_group text NOT NULL,
  event_id       text NOT NULL,
  consumed_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, event_id)
);
CREATE INDEX bus_consumed_at_idx ON bus_consumed (consumed_at);
