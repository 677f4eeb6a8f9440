package io.clerkconvexsync.store;

/** Durable store of events Convex refused for good; written before the webhook is answered 2xx. */
public interface DeadLetterStore {

    /**
     * Stores the dead letter, or, when one with the same svix-id exists, adds its attempts and takes its latest error.
     * Returns only once the write is committed.
     *
     * @return the stored dead letter's id
     */
    long record(DeadLetter deadLetter);

    /** How many dead letters are stored. */
    long count();
}
