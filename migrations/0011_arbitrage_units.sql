-- Two-leg arbitrage as one unit (issue 11): both legs, where their reconciliation stands, and the
-- matched arbitrage with its locked-in profit. Every state (sending, waiting for the second leg,
-- cancelling it, unwinding, hedging, watching the book) is a row here, written before the action
-- it names, so a restart resumes where the unit was.

CREATE TABLE arbitrages (
  arb_id                 text PRIMARY KEY,
  signal_id              text,
  game_id                text NOT NULL REFERENCES games (game_id),
  leg_a                  text NOT NULL,
  leg_b                  text NOT NULL,
  quantity               bigint NOT NULL CHECK (quantity > 0),
  state                  text NOT NULL CHECK (state IN (
    'submitting', 'waiting', 'cancelling', 'unwinding', 'hedging', 'watching', 'matched', 'flat', 'exposed')),
  -- execution.unwindMaxLoss when the unit was opened, a contract
  unwind_max_loss_micros bigint NOT NULL CHECK (unwind_max_loss_micros >= 0),
  leg_deadline           timestamptz NOT NULL,
  unwind_deadline        timestamptz NOT NULL,
  -- Legs cancelled at the deadline: assumed not to fill further
  cancelled_legs         text[] NOT NULL DEFAULT '{}',
  -- Unwind and hedge orders placed
  attempts               integer NOT NULL DEFAULT 0,
  matched_quantity       bigint,
  -- The P&L once the matched sets settle (matched), or what unwinding cost (flat)
  locked_profit_micros   bigint,
  reason                 text,
  created_at             timestamptz NOT NULL,
  updated_at             timestamptz NOT NULL
);
CREATE INDEX arbitrages_live_idx ON arbitrages (state) WHERE state NOT IN ('matched', 'flat', 'exposed');

CREATE TABLE arbitrage_transitions (
  id         bigserial PRIMARY KEY,
  arb_id     text NOT NULL REFERENCES arbitrages (arb_id),
  from_state text,
  to_state   text NOT NULL,
  reason     text,
  at         timestamptz NOT NULL
);
CREATE INDEX arbitrage_transitions_arb_idx ON arbitrage_transitions (arb_id, id);

-- The legs, unwinds and hedges of a unit
ALTER TABLE orders ADD COLUMN arb_id text REFERENCES arbitrages (arb_id);
CREATE INDEX orders_arb_idx ON orders (arb_id) WHERE arb_id IS NOT NULL;
