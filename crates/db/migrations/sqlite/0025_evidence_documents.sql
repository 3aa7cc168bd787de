-- Evidence may be a document the group keeps (one on a campaign's
-- timeline) as well as a link: for a pledge, a record entry, and each
-- status a pledge or a demand is given.
ALTER TABLE pledges ADD COLUMN document_id BLOB REFERENCES documents(id) ON DELETE SET NULL;
ALTER TABLE records ADD COLUMN document_id BLOB REFERENCES documents(id) ON DELETE SET NULL;
ALTER TABLE pledge_changes ADD COLUMN document_id BLOB REFERENCES documents(id) ON DELETE SET NULL;
ALTER TABLE demand_changes ADD COLUMN document_id BLOB REFERENCES documents(id) ON DELETE SET NULL;
