package io.clerkconvexsync.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Which dead letters an operator means: every field left empty matches all. {@code since} and {@code until} bound the
 * time of the last failure ({@code since} inclusive, {@code until} exclusive). {@code upToId} is not an operator's
 * filter but a replay job's: what matched when it started, none stored after.
 */
public record DeadLetterFilter(Optional<Long> id, Optional<String> type, Optional<String> errorKind,
                               Optional<Instant> since, Optional<Instant> until, Optional<Long> upToId) {

    public DeadLetterFilter(Optional<Long> id, Optional<String> type, Optional<String> errorKind,
                            Optional<Instant> since, Optional<Instant> until) {
        this(id, type, errorKind, since, until, Optional.empty());
    }

    public static final DeadLetterFilter ALL =
            new DeadLetterFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public static DeadLetterFilter byId(long id) {
        return new DeadLetterFilter(Optional.of(id), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The same, and no dead letter stored after the one with {@code highestId}. */
    public DeadLetterFilter upTo(long highestId) {
        return new DeadLetterFilter(id, type, errorKind, since, until, Optional.of(highestId));
    }

    /** Only an id is given: a replay of exactly that one, reporting it even when it is gone. */
    public boolean matchesOnlyId() {
        return id.isPresent() && type.isEmpty() && errorKind.isEmpty() && since.isEmpty() && until.isEmpty();
    }

    public boolean matchesAll() {
        return id.isEmpty() && type.isEmpty() && errorKind.isEmpty() && since.isEmpty() && until.isEmpty();
    }
}
