-- An API token has a name its maker chose ("Parsons sync"), so that the
-- tokens page can say which is which when one is to be revoked. Tokens made
-- before have none. The index serves a member's tokens, and taking a
-- member's tokens away with their membership.
ALTER TABLE api_tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';
CREATE INDEX api_tokens_member ON api_tokens(group_id, user_id);
