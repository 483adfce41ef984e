-- The prior the model stood on for each recorded game state (issue 17: "the prior's source is
-- reported with every probability"): its source (moneyline, spread, market, elo, rating, none) and
-- its provenance in words. Nullable: rows written before this migration have none.

ALTER TABLE game_states ADD COLUMN model_prior_source text CHECK (model_prior_source IN ('moneyline', 'spread', 'market', 'elo', 'rating', 'none'));
ALTER TABLE game_states ADD COLUMN model_prior_detail text;
