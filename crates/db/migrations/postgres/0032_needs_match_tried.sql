-- When the sweep last tried to match a need to a volunteer and found
-- nobody: the sweep tries the needs tried longest ago first, so needs
-- nobody can take do not hold up newer ones behind them.
ALTER TABLE needs ADD COLUMN match_tried_at TIMESTAMPTZ;
