-- The retention sweep deletes the oldest processed svix-ids first; without this it would scan the whole table.
CREATE INDEX clerk_processed_webhook_processed_at ON clerk_processed_webhook (processed_at);

-- The probe's row exists before any instance starts, so instances starting together never race to insert it.
INSERT INTO clerk_health_probe (id, checked_at)
  SELECT 1, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM clerk_health_probe WHERE id = 1);
