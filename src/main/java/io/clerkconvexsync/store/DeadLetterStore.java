package io.clerkconvexsync.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Durable store of events Convex refused for good; written before the webhook is answered 2xx. */
public interface DeadLetterStore {

    /**
     * Stores the dead letter, or, when one with the same svix-id exists, adds its attempts and takes its latest error.
     * Either way the failure is appended to its error history. Returns only once the write is committed.
     *
     * @return the stored dead letter's id
     */
    long record(DeadLetter deadLetter);

    /** How many dead letters are stored. */
    long count();

    /** Every stored dead letter, oldest first. */
    default List<DeadLetter> list() {
        return list(DeadLetterFilter.ALL);
    }

    /** The stored dead letters the filter matches, oldest first. */
    List<DeadLetter> list(DeadLetterFilter filter);

    /** The dead letter with this id, if it is stored. */
    Optional<DeadLetter> find(long id);

    /** Its failures, oldest first: the one that stored it, then every replay that failed. */
    List<DeadLetterFailure> history(long id);

    /**
     * Takes the dead letter for one replay, so that two replays (threads, instances or a CLI beside the runtime) never
     * send it at once. A claim older than {@code staleAfter} is from a replayer that died and may be taken over.
     *
     * @return false when it is gone or another replayer holds it
     */
    boolean claim(long id, Instant now, Duration staleAfter);

    /** Gives a claim back, after a replay that left the dead letter in the store. */
    void release(long id);

    /**
     * A replay that failed without Convex refusing the payload again (Convex unavailable, credentials refused, the
     * runtime's own failure): counts its attempts and adds it to the history; the stored error stays the refusal.
     */
    void noteFailedReplay(long id, DeadLetterFailure failure);

    /**
     * Puts back a dead letter exported from a store (this one or another) with its history, as it was: attempts,
     * errors and times. Committed as one before it returns.
     *
     * @return false, storing nothing, when a dead letter with its svix-id is already stored
     */
    boolean restore(DeadLetter deadLetter, List<DeadLetterFailure> history);

    /** Removes the dead letter and its history; false when it was not stored. */
    boolean delete(long id);
}
