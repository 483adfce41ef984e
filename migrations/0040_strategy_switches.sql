-- Operator switches on configured strategies (issue 18): a paused strategy proposes no new
-- entries; its exits still run, so nothing it holds is stranded. No row: the strategy runs as
-- configured. Every change is kept in strategy_switch_changes with who and why.

CREATE TABLE strategy_switches (
  name       text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
  paused     boolean NOT NULL,
  reason     text NOT NULL,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL
);

CREATE TABLE strategy_switch_changes (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL,
  paused     boolean NOT NULL,
  reason     text NOT NULL,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL
);
