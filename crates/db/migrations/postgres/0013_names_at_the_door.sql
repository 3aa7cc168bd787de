-- What a walk-in said their name was at the door. The door list shows it,
-- so a helper who types a known person's email learns nothing of them.
ALTER TABLE attendances ADD COLUMN name_at_door TEXT NOT NULL DEFAULT '';
