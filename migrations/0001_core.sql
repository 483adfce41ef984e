-- Core tables: games, markets and their mappings, orders, fills, positions, the bankroll and its
-- ledger, and dead letters.
--
-- Money is bigint micro-dollars (1e-6 USD); prices are micro-dollars in [0, 1_000_000]; quantities
-- are micro-contracts (1e-6). Closed vocabularies are text with CHECK constraints, which are
-- easier to extend in a forward-only migration than Postgres enums.

CREATE TABLE games (
  game_id        text PRIMARY KEY CHECK (game_id ~ '^[0-9]{1,20}$'),
  league         text NOT NULL,
  sport          text NOT NULL CHECK (sport IN ('nfl', 'ncaaf', 'nba', 'ncaab', 'wnba', 'nhl', 'mlb', 'mls', 'soccer', 'tennis', 'mma')),
  home_team_id   text NOT NULL,
  home_team      text NOT NULL,
  home_abbr      text NOT NULL,
  away_team_id   text NOT NULL,
  away_team      text NOT NULL,
  away_abbr      text NOT NULL,
  start_time     timestamptz NOT NULL,
  status         text NOT NULL CHECK (status IN ('scheduled', 'in_progress', 'halftime', 'end_period', 'final', 'postponed', 'delayed', 'suspended', 'canceled')),
  home_score     integer CHECK (home_score >= 0),
  away_score     integer CHECK (away_score >= 0),
  winner         text CHECK (winner IN ('home', 'away', 'draw')),
  trading_halted boolean NOT NULL DEFAULT false,
  halted_reason  text,
  cooldown_until timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX games_start_time_idx ON games (start_time);
CREATE INDEX games_status_idx ON games (status) WHERE status NOT IN ('final', 'canceled');

CREATE TABLE markets (
  platform          text NOT NULL CHECK (platform IN ('kalshi', 'polymarket')),
  market_id         text NOT NULL,
  event_id          text,
  title             text NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('moneyline', 'spread', 'total', 'other')),
  status            text NOT NULL CHECK (status IN ('unopened', 'open', 'paused', 'closed', 'settled')),
  outcomes          jsonb NOT NULL,
  close_time        timestamptz,
  tick_size_micros  bigint CHECK (tick_size_micros > 0 AND tick_size_micros <= 1000000),
  neg_risk          boolean NOT NULL DEFAULT false,
  fee_type          text,
  fee_multiplier    numeric(12, 6) CHECK (fee_multiplier >= 0),
  fee_rate          numeric(12, 6) CHECK (fee_rate >= 0),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (platform, market_id)
);

CREATE TABLE market_mappings (
  mapping_id   bigserial PRIMARY KEY,
  game_id      text NOT NULL REFERENCES games (game_id),
  platform     text NOT NULL CHECK (platform IN ('kalshi', 'polymarket')),
  market_id    text NOT NULL,
  outcome_id   text NOT NULL,
  meaning      text NOT NULL CHECK (meaning IN ('home_win', 'away_win', 'draw', 'not_home_win', 'not_away_win', 'other')),
  method       text NOT NULL CHECK (method IN ('deterministic', 'fuzzy')),
  confidence   double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  evidence     jsonb NOT NULL,
  active       boolean NOT NULL DEFAULT true,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (game_id, platform, market_id, outcome_id)
);
CREATE INDEX market_mappings_market_idx ON market_mappings (platform, market_id);

CREATE TABLE orders (
  client_order_id    text PRIMARY KEY CHECK (client_order_id ~ '^[A-Za-z0-9:_-]{8,64}$'),
  venue_order_id     text,
  platform           text NOT NULL CHECK (platform IN ('kalshi', 'polymarket')),
  market_id          text NOT NULL,
  outcome_id         text NOT NULL,
  game_id            text NOT NULL REFERENCES games (game_id),
  signal_id          text,
  action             text NOT NULL CHECK (action IN ('buy', 'sell')),
  time_in_force      text NOT NULL CHECK (time_in_force IN ('ioc', 'fok', 'gtc')),
  limit_price_micros bigint NOT NULL CHECK (limit_price_micros BETWEEN 0 AND 1000000),
  quantity           bigint NOT NULL CHECK (quantity > 0),
  filled_quantity    bigint NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0),
  status             text NOT NULL CHECK (status IN ('pending_submit', 'submitted', 'unknown', 'resting', 'partially_filled', 'filled', 'canceled', 'rejected', 'denied')),
  paper              boolean NOT NULL,
  last_error         text,
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,
  CHECK (filled_quantity <= quantity)
);
CREATE UNIQUE INDEX orders_venue_order_idx ON orders (platform, venue_order_id) WHERE venue_order_id IS NOT NULL;
CREATE INDEX orders_open_idx ON orders (status) WHERE status IN ('pending_submit', 'submitted', 'unknown', 'resting', 'partially_filled');
CREATE INDEX orders_game_idx ON orders (game_id);

CREATE TABLE fills (
  id              bigserial PRIMARY KEY,
  platform        text NOT NULL CHECK (platform IN ('kalshi', 'polymarket')),
  fill_id         text NOT NULL,
  client_order_id text NOT NULL REFERENCES orders (client_order_id),
  market_id       text NOT NULL,
  outcome_id      text NOT NULL,
  action          text NOT NULL CHECK (action IN ('buy', 'sell')),
  price_micros    bigint NOT NULL CHECK (price_micros BETWEEN 0 AND 1000000),
  quantity        bigint NOT NULL CHECK (quantity > 0),
  fee_micros      bigint NOT NULL CHECK (fee_micros >= 0),
  is_taker        boolean NOT NULL,
  filled_at       timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (platform, fill_id)
);
CREATE INDEX fills_order_idx ON fills (client_order_id);

CREATE TABLE positions (
  position_id             text PRIMARY KEY,
  game_id                 text NOT NULL REFERENCES games (game_id),
  platform                text NOT NULL CHECK (platform IN ('kalshi', 'polymarket')),
  market_id               text NOT NULL,
  outcome_id              text NOT NULL,
  quantity                bigint NOT NULL CHECK (quantity >= 0),
  cost_basis_micros       bigint NOT NULL CHECK (cost_basis_micros >= 0),
  realized_pnl_micros     bigint NOT NULL DEFAULT 0,
  fees_paid_micros        bigint NOT NULL DEFAULT 0 CHECK (fees_paid_micros >= 0),
  status                  text NOT NULL CHECK (status IN ('open', 'closed', 'settled')),
  settlement_price_micros bigint CHECK (settlement_price_micros BETWEEN 0 AND 1000000),
  opened_at               timestamptz NOT NULL,
  closed_at               timestamptz,
  version                 bigint NOT NULL DEFAULT 0
);
-- One open position per outcome: its marks and stops are in that outcome's own price
CREATE UNIQUE INDEX positions_open_outcome_idx ON positions (platform, market_id, outcome_id) WHERE status = 'open';
CREATE INDEX positions_game_idx ON positions (game_id);

-- The bankroll is a projection of its ledger. `balance_micros` is what sizing may use,
-- `piggybank_micros` is profit set aside; each equals the sum of its bucket in the ledger,
-- checked at commit by the deferred trigger below. `version` is for optimistic locking.
CREATE TABLE bankroll (
  account          text PRIMARY KEY,
  balance_micros   bigint NOT NULL,
  piggybank_micros bigint NOT NULL DEFAULT 0 CHECK (piggybank_micros >= 0),
  reserved_micros  bigint NOT NULL DEFAULT 0 CHECK (reserved_micros >= 0),
  peak_micros      bigint NOT NULL DEFAULT 0,
  version          bigint NOT NULL DEFAULT 0,
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE bankroll_ledger (
  entry_id      bigserial PRIMARY KEY,
  account       text NOT NULL REFERENCES bankroll (account),
  bucket        text NOT NULL CHECK (bucket IN ('available', 'piggybank')),
  kind          text NOT NULL CHECK (kind IN ('deposit', 'withdrawal', 'trade', 'fee', 'settlement', 'adjustment', 'piggybank')),
  amount_micros bigint NOT NULL CHECK (amount_micros <> 0),
  reference     text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- A fill's fee or a settlement is posted once, however often it is replayed
  UNIQUE (account, kind, bucket, reference)
);

CREATE FUNCTION arbees_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'bankroll_ledger is append-only (% refused)', TG_OP USING ERRCODE = 'check_violation';
END
$$;
CREATE TRIGGER bankroll_ledger_no_update BEFORE UPDATE OR DELETE ON bankroll_ledger
  FOR EACH ROW EXECUTE FUNCTION arbees_ledger_append_only();
CREATE TRIGGER bankroll_ledger_no_truncate BEFORE TRUNCATE ON bankroll_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION arbees_ledger_append_only();

CREATE FUNCTION arbees_bankroll_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  acct      text := NEW.account;
  available bigint;
  piggy     bigint;
  b         bankroll%ROWTYPE;
BEGIN
  SELECT * INTO b FROM bankroll WHERE account = acct;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  SELECT coalesce(sum(amount_micros) FILTER (WHERE bucket = 'available'), 0),
         coalesce(sum(amount_micros) FILTER (WHERE bucket = 'piggybank'), 0)
    INTO available, piggy
    FROM bankroll_ledger WHERE account = acct;
  IF b.balance_micros <> available OR b.piggybank_micros <> piggy THEN
    RAISE EXCEPTION 'bankroll % does not equal its ledger: balance % vs %, piggybank % vs %',
      acct, b.balance_micros, available, b.piggybank_micros, piggy
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER bankroll_balanced AFTER INSERT OR UPDATE ON bankroll
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION arbees_bankroll_balanced();
CREATE CONSTRAINT TRIGGER bankroll_ledger_balanced AFTER INSERT ON bankroll_ledger
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION arbees_bankroll_balanced();

-- Payloads that failed to decode or could not be processed: kept for diagnosis, never silently dropped
CREATE TABLE dead_letters (
  id         bigserial PRIMARY KEY,
  source     text NOT NULL,
  reason     text NOT NULL,
  error      text NOT NULL,
  payload    text,
  context    jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dead_letters_created_idx ON dead_letters (created_at);
CREATE INDEX dead_letters_source_idx ON dead_letters (source, created_at);
