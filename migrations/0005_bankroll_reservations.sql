-- Reservations and the full money vocabulary of the bankroll (issue 10).
--
-- The bankroll has three buckets, each the exact sum of its ledger postings (checked at commit):
--   available  cash: deposits, fill costs, fees, sale proceeds, settlements, piggybank transfers;
--   reserved   money promised to approved, not yet filled orders (reserve +, release −);
--   piggybank  realised profit set aside from compounding.
-- What sizing may use is balance − reserved. Peak, trough and the day's realised P&L are kept on
-- the account row; equity is deposits plus realised P&L (money at cost in open positions counts
-- at cost, so a purchase is not a loss).

ALTER TABLE bankroll_ledger DROP CONSTRAINT bankroll_ledger_bucket_check;
ALTER TABLE bankroll_ledger ADD CONSTRAINT bankroll_ledger_bucket_check CHECK (bucket IN ('available', 'reserved', 'piggybank'));
ALTER TABLE bankroll_ledger DROP CONSTRAINT bankroll_ledger_kind_check;
ALTER TABLE bankroll_ledger ADD CONSTRAINT bankroll_ledger_kind_check
  CHECK (kind IN ('deposit', 'withdrawal', 'trade', 'fee', 'settlement', 'adjustment', 'piggybank', 'reserve', 'release', 'sale'));

ALTER TABLE bankroll ADD COLUMN equity_micros bigint;
UPDATE bankroll SET equity_micros = balance_micros + piggybank_micros;
ALTER TABLE bankroll ALTER COLUMN equity_micros SET NOT NULL;
ALTER TABLE bankroll ALTER COLUMN equity_micros SET DEFAULT 0;
ALTER TABLE bankroll ADD COLUMN trough_micros bigint;
UPDATE bankroll SET trough_micros = equity_micros;
ALTER TABLE bankroll ALTER COLUMN trough_micros SET NOT NULL;
ALTER TABLE bankroll ALTER COLUMN trough_micros SET DEFAULT 0;
ALTER TABLE bankroll ADD COLUMN pnl_day date;
ALTER TABLE bankroll ADD COLUMN daily_pnl_micros bigint NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION arbees_bankroll_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  acct      text := NEW.account;
  available bigint;
  reserved  bigint;
  piggy     bigint;
  held      bigint;
  b         bankroll%ROWTYPE;
BEGIN
  SELECT * INTO b FROM bankroll WHERE account = acct;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  SELECT coalesce(sum(amount_micros) FILTER (WHERE bucket = 'available'), 0),
         coalesce(sum(amount_micros) FILTER (WHERE bucket = 'reserved'), 0),
         coalesce(sum(amount_micros) FILTER (WHERE bucket = 'piggybank'), 0)
    INTO available, reserved, piggy
    FROM bankroll_ledger WHERE account = acct;
  SELECT coalesce(sum(remaining_micros), 0) INTO held FROM bankroll_reservations WHERE account = acct;
  IF b.balance_micros <> available OR b.piggybank_micros <> piggy OR b.reserved_micros <> reserved OR reserved <> held THEN
    RAISE EXCEPTION 'bankroll % does not equal its ledger: balance % vs %, reserved % vs % (held %), piggybank % vs %',
      acct, b.balance_micros, available, b.reserved_micros, reserved, held, b.piggybank_micros, piggy
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END
$$;

-- One reservation per order (its id is the client order id): what risk approved and what is left
CREATE TABLE bankroll_reservations (
  reservation_id      text PRIMARY KEY,
  account             text NOT NULL REFERENCES bankroll (account),
  signal_id           text NOT NULL,
  game_id             text NOT NULL,
  sport               text NOT NULL,
  platform            text NOT NULL CHECK (platform IN ('kalshi', 'polymarket')),
  market_id           text NOT NULL,
  outcome_id          text NOT NULL,
  amount_micros       bigint NOT NULL CHECK (amount_micros > 0),
  remaining_micros    bigint NOT NULL CHECK (remaining_micros >= 0 AND remaining_micros <= amount_micros),
  contracts           bigint NOT NULL CHECK (contracts > 0),
  remaining_contracts bigint NOT NULL CHECK (remaining_contracts >= 0 AND remaining_contracts <= contracts),
  status              text NOT NULL CHECK (status IN ('open', 'closed')),
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL
);
CREATE INDEX bankroll_reservations_open_idx ON bankroll_reservations (account, game_id) WHERE status = 'open';
CREATE INDEX bankroll_reservations_signal_idx ON bankroll_reservations (signal_id);

CREATE CONSTRAINT TRIGGER bankroll_reservations_balanced AFTER INSERT OR UPDATE ON bankroll_reservations
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION arbees_bankroll_balanced();
