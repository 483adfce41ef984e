-- The order lifecycle, fills with their venue order and realism, and positions with what they hold
-- (issue 11).
--
-- Order states: pending_submit → acknowledged → partially_filled → filled | canceled | rejected |
-- expired, plus unknown (the venue may have the order; only a status query moves it on). The
-- legacy values stay valid for rows written before this migration.

ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN (
  'pending_submit', 'acknowledged', 'partially_filled', 'filled', 'canceled', 'rejected', 'expired', 'unknown',
  'submitted', 'resting', 'denied'));
ALTER TABLE orders ADD COLUMN post_only boolean NOT NULL DEFAULT false;
ALTER TABLE orders ADD COLUMN purpose text NOT NULL DEFAULT 'entry' CHECK (purpose IN ('entry', 'exit', 'unwind', 'hedge'));
ALTER TABLE orders ADD COLUMN position_id text;
ALTER TABLE orders ADD COLUMN fees_micros bigint NOT NULL DEFAULT 0 CHECK (fees_micros >= 0);
ALTER TABLE orders ADD COLUMN cost_micros bigint NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN realism jsonb;
ALTER TABLE orders ADD COLUMN expires_at timestamptz;
DROP INDEX orders_open_idx;
CREATE INDEX orders_open_idx ON orders (status) WHERE status IN ('pending_submit', 'acknowledged', 'partially_filled', 'unknown', 'submitted', 'resting');

-- Every transition, in order; written in the transaction that made it
CREATE TABLE order_transitions (
  id              bigserial PRIMARY KEY,
  client_order_id text NOT NULL REFERENCES orders (client_order_id),
  from_status     text,
  to_status       text NOT NULL,
  filled_quantity bigint NOT NULL,
  reason          text,
  at              timestamptz NOT NULL
);
CREATE INDEX order_transitions_order_idx ON order_transitions (client_order_id, id);

ALTER TABLE fills ADD COLUMN venue_order_id text;
ALTER TABLE fills ADD COLUMN realism jsonb;

-- Positions: the sport (per-sport stops), entry fees kept apart from exit fees, the average entry
-- price of the open quantity, and the mark last seen in the held outcome's own price
ALTER TABLE positions ADD COLUMN sport text;
ALTER TABLE positions ADD COLUMN account text;
ALTER TABLE positions ADD COLUMN entry_quantity bigint NOT NULL DEFAULT 0 CHECK (entry_quantity >= 0);
ALTER TABLE positions ADD COLUMN mark_price_micros bigint CHECK (mark_price_micros BETWEEN 0 AND 1000000);
ALTER TABLE positions ADD COLUMN marked_at timestamptz;
ALTER TABLE positions ADD COLUMN exit_reason text;
ALTER TABLE positions ADD COLUMN settlement_reason text;
ALTER TABLE positions ADD COLUMN arb_group text;
CREATE INDEX positions_open_idx ON positions (status) WHERE status = 'open';
