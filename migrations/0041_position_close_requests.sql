-- An operator's request to close a position (issue 18): the upkeep singleton's next exit pass
-- sells it at the bid less exits.slippageBuffer through the risk singleton like any exit, and marks
-- the request handled with the exit's client order id. One open request per position.

CREATE TABLE position_close_requests (
  id              bigserial PRIMARY KEY,
  position_id     text NOT NULL,
  reason          text NOT NULL,
  requested_by    text NOT NULL,
  requested_at    timestamptz NOT NULL,
  handled_at      timestamptz,
  client_order_id text
);
CREATE UNIQUE INDEX position_close_requests_open_idx ON position_close_requests (position_id) WHERE handled_at IS NULL;
