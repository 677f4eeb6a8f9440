package io.clerkconvexsync.admin;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * {@code Authorization: Bearer <ADMIN_TOKEN>} on every admin request. The comparison is over SHA-256 digests with
 * {@link MessageDigest#isEqual}, so its time tells nothing of the token, not even its length. The token is never
 * logged, and the header is removed before anything else sees the message.
 *
 * <p>The token is read from the request's own header only. platform-http also copies query parameters and form fields
 * into the message's headers, so {@code ?Authorization=Bearer%20…} would otherwise pass, and a token in a URL ends up in
 * proxies' and browsers' logs.
 */
public final class AdminGuard implements Processor {
    private static final String BEARER = "Bearer ";

    private final byte[] expected;

    public AdminGuard(String token) {
        this.expected = digest(token);
    }

    @Override
    public void process(Exchange exchange) {
        HttpMessage request = exchange.getIn(HttpMessage.class);
        String header = request == null ? null : request.getRequest().getHeader("Authorization");
        exchange.getMessage().removeHeader("Authorization");
        if (!allows(header)) {
            throw new AdminUnauthorizedException();
        }
    }

    boolean allows(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        return MessageDigest.isEqual(expected, digest(authorization.substring(BEARER.length()).trim()));
    }

    private static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A missing or wrong admin token: answered 401, without saying which. */
    public static final class AdminUnauthorizedException extends RuntimeException {
        AdminUnauthorizedException() {
            super("missing or wrong admin token", null, false, false);
        }
    }
}
