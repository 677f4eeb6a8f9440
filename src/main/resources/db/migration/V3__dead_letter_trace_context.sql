-- Issue 26: the trace of the webhook that made a dead letter (W3C ids, lower-case hex), so that its replay's span can
-- link back to it. Empty for dead letters stored with tracing off, and for those stored before this release.
ALTER TABLE clerk_dead_letter ADD COLUMN trace_id VARCHAR(32);
ALTER TABLE clerk_dead_letter ADD COLUMN span_id VARCHAR(16);
