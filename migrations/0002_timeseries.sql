-- Time-series tables: game states, plays, market prices, signals, arbitrage opportunities and
-- latency metrics.
--
-- Each is created through arbees_create_timeseries: a TimescaleDB hypertable when that extension
-- is available, otherwise a native range-partitioned table with daily partitions and a DEFAULT
-- partition (so a write never fails for lack of a partition). arbees_maintain_partitions creates
-- partitions ahead of time and drops the ones older than the retention; the runtime calls it at
-- start-up and daily.

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
  END IF;
END
$$;

CREATE FUNCTION arbees_has_timescale() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
$$;

CREATE FUNCTION arbees_create_timeseries(table_name text, time_column text, columns text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF arbees_has_timescale() THEN
    EXECUTE format('CREATE TABLE %I (%s)', table_name, columns);
    EXECUTE format('SELECT create_hypertable(%L, %L, chunk_time_interval => interval ''1 day'')', table_name, time_column);
  ELSE
    EXECUTE format('CREATE TABLE %I (%s) PARTITION BY RANGE (%I)', table_name, columns, time_column);
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', table_name || '_default', table_name);
  END IF;
END
$$;

-- Creates the daily partition of `parent` for `day`, moving any rows the DEFAULT partition already
-- holds for that day into it (Postgres refuses to add a partition that would shadow them).
CREATE FUNCTION arbees_ensure_partition(parent text, day date) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  part       text := parent || '_p' || to_char(day, 'YYYYMMDD');
  time_col   text;
  lower_b    timestamptz := day::timestamptz;
  upper_b    timestamptz := (day + 1)::timestamptz;
  moved      bigint;
BEGIN
  IF to_regclass(part) IS NOT NULL THEN
    RETURN;
  END IF;
  SELECT a.attname INTO time_col
    FROM pg_partitioned_table p
    JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
   WHERE p.partrelid = parent::regclass;
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, parent);
  EXECUTE format('WITH m AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *) INSERT INTO %I SELECT * FROM m',
                 parent || '_default', time_col, lower_b, time_col, upper_b, part);
  GET DIAGNOSTICS moved = ROW_COUNT;
  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part, lower_b, upper_b);
  IF moved > 0 THEN
    RAISE NOTICE 'moved % rows of % from the default partition into %', moved, parent, part;
  END IF;
END
$$;

-- Creates daily partitions from `from_day` for `days_ahead` days and drops partitions that end
-- before `retain_from`. Returns the number of partitions dropped.
CREATE FUNCTION arbees_maintain_partitions(parent text, from_day date, days_ahead integer, retain_from date) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  d       integer;
  child   record;
  dropped integer := 0;
BEGIN
  IF arbees_has_timescale() THEN
    EXECUTE format('SELECT drop_chunks(%L, older_than => %L::timestamptz)', parent, retain_from::timestamptz);
    RETURN 0;
  END IF;
  FOR d IN 0 .. days_ahead LOOP
    PERFORM arbees_ensure_partition(parent, from_day + d);
  END LOOP;
  FOR child IN
    SELECT c.relname
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = parent::regclass
       AND c.relname ~ ('^' || parent || '_p[0-9]{8}$')
       AND to_date(right(c.relname, 8), 'YYYYMMDD') + 1 <= retain_from
  LOOP
    EXECUTE format('DROP TABLE %I', child.relname);
    dropped := dropped + 1;
  END LOOP;
  RETURN dropped;
END
$$;

SELECT arbees_create_timeseries('game_states', 'observed_at', $cols$
  game_id          text NOT NULL,
  observed_at      timestamptz NOT NULL,
  status           text NOT NULL CHECK (status IN ('scheduled', 'in_progress', 'halftime', 'end_period', 'final', 'postponed', 'delayed', 'suspended', 'canceled')),
  period           integer NOT NULL CHECK (period >= 0),
  seconds_remaining double precision CHECK (seconds_remaining >= 0),
  home_score       integer NOT NULL CHECK (home_score >= 0),
  away_score       integer NOT NULL CHECK (away_score >= 0),
  possession       text CHECK (possession IN ('home', 'away')),
  model_home_prob  double precision CHECK (model_home_prob BETWEEN 0 AND 1),
  model_draw_prob  double precision CHECK (model_draw_prob BETWEEN 0 AND 1),
  espn_home_prob   double precision CHECK (espn_home_prob BETWEEN 0 AND 1),
  state            jsonb NOT NULL,
  PRIMARY KEY (game_id, observed_at)
$cols$);

SELECT arbees_create_timeseries('plays', 'occurred_at', $cols$
  game_id           text NOT NULL,
  play_id           text NOT NULL,
  occurred_at       timestamptz NOT NULL,
  sequence          integer,
  period            integer CHECK (period >= 0),
  seconds_remaining double precision CHECK (seconds_remaining >= 0),
  home_score        integer CHECK (home_score >= 0),
  away_score        integer CHECK (away_score >= 0),
  description       text,
  espn_home_prob    double precision CHECK (espn_home_prob BETWEEN 0 AND 1),
  model_home_prob   double precision CHECK (model_home_prob BETWEEN 0 AND 1),
  PRIMARY KEY (game_id, play_id, occurred_at)
$cols$);

-- One row per outcome per observation; a second price for the same instant is a duplicate
SELECT arbees_create_timeseries('market_prices', 'observed_at', $cols$
  platform     text NOT NULL CHECK (platform IN ('kalshi', 'polymarket')),
  market_id    text NOT NULL,
  outcome_id   text NOT NULL,
  observed_at  timestamptz NOT NULL,
  game_id      text,
  bid_micros   bigint CHECK (bid_micros BETWEEN 0 AND 1000000),
  ask_micros   bigint CHECK (ask_micros BETWEEN 0 AND 1000000),
  bid_size     bigint CHECK (bid_size >= 0),
  ask_size     bigint CHECK (ask_size >= 0),
  book_epoch   bigint,
  UNIQUE (platform, market_id, outcome_id, observed_at)
$cols$);

SELECT arbees_create_timeseries('signals', 'created_at', $cols$
  signal_id        text NOT NULL,
  created_at       timestamptz NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('model_edge', 'cross_venue_arb')),
  game_id          text NOT NULL,
  legs             jsonb NOT NULL,
  edge_pct         numeric(9, 4) NOT NULL CHECK (edge_pct BETWEEN -100 AND 100),
  model_prob       double precision CHECK (model_prob BETWEEN 0 AND 1),
  status           text NOT NULL CHECK (status IN ('new', 'accepted', 'denied', 'expired', 'executed')),
  denial_reason    text,
  expires_at       timestamptz NOT NULL,
  PRIMARY KEY (signal_id, created_at)
$cols$);

SELECT arbees_create_timeseries('arbitrage_opportunities', 'detected_at', $cols$
  opportunity_id             text NOT NULL,
  detected_at                timestamptz NOT NULL,
  game_id                    text NOT NULL,
  buy_leg                    jsonb NOT NULL,
  hedge_leg                  jsonb NOT NULL,
  cost_micros                bigint NOT NULL CHECK (cost_micros >= 0),
  fees_micros                bigint NOT NULL CHECK (fees_micros >= 0),
  profit_per_contract_micros bigint NOT NULL,
  max_quantity               bigint NOT NULL CHECK (max_quantity >= 0),
  edge_pct                   numeric(9, 4) NOT NULL CHECK (edge_pct BETWEEN -100 AND 100),
  executed                   boolean NOT NULL DEFAULT false,
  PRIMARY KEY (opportunity_id, detected_at)
$cols$);

SELECT arbees_create_timeseries('latency_metrics', 'observed_at', $cols$
  observed_at  timestamptz NOT NULL,
  metric       text NOT NULL,
  source       text NOT NULL,
  value_ms     double precision NOT NULL CHECK (value_ms >= 0),
  game_id      text,
  attributes   jsonb NOT NULL DEFAULT '{}'::jsonb
$cols$);

CREATE INDEX game_states_observed_idx ON game_states (observed_at);
CREATE INDEX market_prices_market_idx ON market_prices (platform, market_id, observed_at);
CREATE INDEX signals_game_idx ON signals (game_id, created_at);
CREATE INDEX latency_metrics_metric_idx ON latency_metrics (metric, observed_at);
