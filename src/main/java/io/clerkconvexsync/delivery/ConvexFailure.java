package io.clerkconvexsync.delivery;

/**
 * How a Convex call failed, as the error handler needs to know it. Messages carry the HTTP status and Convex's short
 * error code, never the request, the deploy key or Convex's error text (which can quote user data).
 */
public abstract sealed class ConvexFailure extends RuntimeException {
    private final int httpStatus;
    private final String detail;

    ConvexFailure(String message, int httpStatus, String detail) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.detail = detail;
    }

    /** The HTTP status Convex answered with, or 0 when there was no answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Convex's own error text, kept for the dead-letter store only (it may contain user data, so it is not logged). */
    public String detail() {
        return detail;
    }

    /** The value of the {@code result} tag for Convex calls. */
    public abstract String resultClass();

    /** Worth trying again soon: overload, rate limits, timeouts, 5xx. */
    public static final class Transient extends ConvexFailure {
        public Transient(String message, int httpStatus, String detail) {
            super(message, httpStatus, detail);
        }

        @Override
        public String resultClass() {
            return "transient_error";
        }
    }

    /** Convex will refuse this payload however often it is sent: a function error, 400, 422. Dead-lettered. */
    public static sealed class Permanent extends ConvexFailure permits MissingFunction {
        public Permanent(String message, int httpStatus, String detail) {
            super(message, httpStatus, detail);
        }

        @Override
        public String resultClass() {
            return httpStatus() == 200 || httpStatus() == 560 ? "function_error" : "rejected";
        }
    }

    /**
     * The deployment has no such function: the package's functions were never installed or deployed, or a
     * {@code convex.*-function} setting names a path the app does not export. Redelivering cannot help until someone
     * deploys, so it is dead-lettered at once (and replayed from there once the functions are in).
     */
    public static final class MissingFunction extends Permanent {
        /** @param providedBy the package version that brings the function, named in the message; null: none named */
        public MissingFunction(String function, String providedBy, int httpStatus, String detail) {
            super("Convex has no function " + function + " (\"Could not find public function\"): install the Convex"
                    + " functions of packages/convex-clerk-sync in the app"
                    + (providedBy == null ? "" : " (" + providedBy + " or later brings " + function + ")")
                    + ", export " + function + " at that path and run"
                    + " npx convex deploy, or set this function's setting to the path the app uses", httpStatus, detail);
        }

        @Override
        public String resultClass() {
            return "function_missing";
        }
    }

    /** Our side is set up wrong (deploy key, URL): every event would fail the same way until an operator fixes it. */
    public static final class Misconfigured extends ConvexFailure {
        public Misconfigured(String message, int httpStatus, String detail) {
            super(message, httpStatus, detail);
        }

        @Override
        public String resultClass() {
            return "auth_error";
        }
    }

    /**
     * A failure as one line, exception class and message only: HTTP client messages name the host, never the key or
     * the body. Used for Convex's failures and, in reconcile, for Clerk's.
     */
    public static String describe(Throwable e) {
        return e == null ? "" : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
