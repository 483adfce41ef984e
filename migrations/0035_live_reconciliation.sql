-- Live trading (issue 15).
--
-- venue_reconciliation: one row per live venue. `reconciling` is true while arbees compares its
-- books with the venue's (at start-up, after a reconnect, periodically); risk refuses new exposure
-- on that venue meanwhile. The last run's outcome and the positions the venue holds that arbees
-- never opened (flagged, never traded) are kept for the operator.
CREATE TABLE venue_reconciliation (
  platform           text PRIMARY KEY CHECK (platform IN ('kalshi', 'polymarket')),
  reconciling        boolean NOT NULL DEFAULT false,
  started_at         timestamptz,
  finished_at        timestamptz,
  last_error         text,
  external_positions jsonb NOT NULL DEFAULT '[]'
);

-- Every difference a reconciliation found and what it did about it, once per (kind, reference).
CREATE TABLE reconciliation_differences (
  id        bigserial PRIMARY KEY,
  platform  text NOT NULL CHECK (platform IN ('kalshi', 'polymarket')),
  kind      text NOT NULL CHECK (kind IN ('order_resolved', 'fill_recorded', 'external_position', 'external_fill', 'balance')),
  reference text NOT NULL,
  detail    text NOT NULL,
  found_at  timestamptz NOT NULL,
  UNIQUE (platform, kind, reference)
);

-- The id a venue will give an order, known before it is sent (Polymarket's order hash), written
-- before the POST so an order whose answer was lost can be found after a crash.
CREATE TABLE live_order_ids (
  client_order_id text PRIMARY KEY,
  platform        text NOT NULL CHECK (platform IN ('kalshi', 'polymarket')),
  venue_order_id  text NOT NULL,
  created_at      timestamptz NOT NULL
);
