package io.clerkconvexsync.store;

import java.util.List;
import java.util.Optional;

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

    /** Every stored dead letter, oldest first. */
    List<DeadLetter> list();

    /** The dead letter with this id, if it is stored. */
    Optional<DeadLetter> find(long id);
}
