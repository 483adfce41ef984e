-- The risk singleton's persisted state (issue 10): the global trading state, closed positions
-- (cooldowns, consecutive losses), venue health (error pause, reconciliation gate), and the
-- decision's stable reason code on every signal.

CREATE TABLE trading_state (
  id         boolean PRIMARY KEY DEFAULT true CHECK (id),
  state      text NOT NULL CHECK (state IN ('ACTIVE', 'REDUCING', 'HALTED')),
  reason     text NOT NULL,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL
);
INSERT INTO trading_state (state, reason, changed_by, changed_at) VALUES ('ACTIVE', 'initial', 'migration', now());

-- Every change, for the audit trail
CREATE TABLE trading_state_changes (
  id         bigserial PRIMARY KEY,
  state      text NOT NULL CHECK (state IN ('ACTIVE', 'REDUCING', 'HALTED')),
  reason     text NOT NULL,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL
);

-- One row per position close, written by execution (issue 11) through recordPositionClose:
-- the cooldown and consecutive-loss rules read it
CREATE TABLE position_closes (
  position_id     text PRIMARY KEY,
  account         text NOT NULL,
  game_id         text NOT NULL,
  sport           text NOT NULL,
  platform        text NOT NULL CHECK (platform IN ('kalshi', 'polymarket')),
  market_id       text NOT NULL,
  outcome_id      text NOT NULL,
  realized_pnl_micros bigint NOT NULL,
  closed_at       timestamptz NOT NULL
);
CREATE INDEX position_closes_game_idx ON position_closes (game_id, closed_at DESC);
CREATE INDEX position_closes_time_idx ON position_closes (closed_at DESC);

-- Per venue: consecutive order errors (the error pause) and the reconciliation gate
CREATE TABLE venue_health (
  platform            text PRIMARY KEY CHECK (platform IN ('kalshi', 'polymarket')),
  consecutive_errors  integer NOT NULL DEFAULT 0 CHECK (consecutive_errors >= 0),
  paused_until        timestamptz,
  reconciling         boolean NOT NULL DEFAULT false,
  updated_at          timestamptz NOT NULL DEFAULT now()
);
INSERT INTO venue_health (platform) VALUES ('kalshi'), ('polymarket');

ALTER TABLE signals ADD COLUMN reason_code text;
ALTER TABLE signals ADD COLUMN strategy text;
ALTER TABLE signals DROP CONSTRAINT IF EXISTS signals_kind_check;
