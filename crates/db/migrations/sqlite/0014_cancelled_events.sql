-- When an organiser called an event off: it takes no RSVPs and sends no
-- reminder, and its calendar entries say it is cancelled.
ALTER TABLE events ADD COLUMN cancelled_at TEXT;
