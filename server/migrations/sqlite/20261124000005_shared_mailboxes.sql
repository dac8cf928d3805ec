-- A shared mailbox keeps a former user's mail for others to read: nobody signs in to it and it
-- takes no licence (its quota still counts against the storage pool).
ALTER TABLE users ADD COLUMN shared BOOLEAN NOT NULL DEFAULT FALSE;
