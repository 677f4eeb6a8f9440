package io.clerkconvexsync.store;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
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
    default long count() {
        return count(DeadLetterFilter.ALL);
    }

    /** How many dead letters the filter matches. */
    long count(DeadLetterFilter filter);

    /** How many dead letters the filter matches now, and the highest id among them (0 for none). */
    record Matching(long count, long highestId) {
    }

    /** What the filter matches now: a replay job's scope ({@link DeadLetterFilter#upTo}). */
    Matching matching(DeadLetterFilter filter);

    /** Every stored dead letter, oldest first, all in memory: for a few (tests, one id); else {@link #forEach}. */
    default List<DeadLetter> list() {
        return list(DeadLetterFilter.ALL);
    }

    /** The stored dead letters the filter matches, oldest first, all in memory; see {@link #list()}. */
    List<DeadLetter> list(DeadLetterFilter filter);

    /**
     * One page of what the filter matches, in id order, after {@code afterId} (keyset paging: a page is found through
     * the primary key whatever its depth, and rows added or removed meanwhile shift no other page). Summaries only:
     * {@code errorDetail}, {@code body} and {@code headers} are not read (null, null, empty), so that a page of the
     * largest bodies still fits the heap.
     */
    List<DeadLetter> summaries(DeadLetterFilter filter, long afterId, int limit);

    /** What a row visitor of {@link #forEach} is handed: the dead letter and, when asked for, its history. */
    interface Visitor {
        void visit(DeadLetter deadLetter, List<DeadLetterFailure> history) throws IOException;
    }

    /**
     * Hands every dead letter the filter matches to {@code visitor}, in id order, as rows arrive from the database:
     * however many there are, only a fetch's worth is in memory.
     *
     * @param full with errorDetail, body, headers and history; without, summaries as {@link #summaries} gives them
     */
    void forEach(DeadLetterFilter filter, boolean full, Visitor visitor) throws IOException;

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

    /** A dead letter exported from a store (this one or another), with its history. */
    record Exported(DeadLetter deadLetter, List<DeadLetterFailure> history) {
    }

    /**
     * Puts back exported dead letters with their history, as they were (attempts, errors, times), all in one
     * transaction: every one is stored, or, when any write fails, none. Those whose svix-id is stored already (or
     * came earlier in {@code exported}) are skipped.
     *
     * @return how many were stored
     */
    int restoreAll(Iterator<Exported> exported);

    /** Removes the dead letter and its history; false when it was not stored. */
    boolean delete(long id);

    /**
     * Deletes the dead letters the filter matches with ids from {@code fromId} to {@code toId}, and their error
     * histories, in one transaction of two set-based statements (a purge of many goes a page of ids at a time, not a
     * transaction per item).
     *
     * @return how many were deleted
     */
    int deleteRange(DeadLetterFilter filter, long fromId, long toId);
}
