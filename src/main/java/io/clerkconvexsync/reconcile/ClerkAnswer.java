package io.clerkconvexsync.reconcile;

import java.time.Duration;

/**
 * What Clerk's Backend API answered one request: the HTTP status, the body, and Retry-After (seconds) on a 429.
 */
record ClerkAnswer(int status, byte[] body, Duration retryAfter) {
}
