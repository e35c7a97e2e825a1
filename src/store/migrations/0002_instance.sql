-- 0002_instance.sql: a random identity per database, so derived files kept beside
-- it (the analytics snapshot) are never taken for another database's.
ALTER TABLE organisation ADD COLUMN instance TEXT NOT NULL DEFAULT '';
UPDATE organisation SET instance = lower(hex(randomblob(16)));
