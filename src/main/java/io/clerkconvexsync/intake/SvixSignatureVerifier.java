package io.clerkconvexsync.intake;

import io.clerkconvexsync.event.WebhookRejectedException;
import com.svix.Webhook;
import com.svix.exceptions.WebhookSigningException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Message filter at the door: checks a webhook's Svix (Standard Webhooks) signature on the raw bytes before anything
 * parses them, and stops the exchange with {@link WebhookRejectedException} when it does not hold.
 *
 * <p>The HMAC itself comes from svix-java ({@link Webhook#sign}); the header handling and the timestamp window are here
 * because svix-java's own {@code verify} reads the system clock with no way to pin it, and the published test vectors
 * (and tests of the window) need a pinned clock.
 */
public final class SvixSignatureVerifier implements Processor {

    /** Standard Webhooks names first, Svix's own names are the ones Clerk sends. */
    static final List<String> ID_HEADERS = List.of("svix-id", "webhook-id");
    static final List<String> TIMESTAMP_HEADERS = List.of("svix-timestamp", "webhook-timestamp");
    static final List<String> SIGNATURE_HEADERS = List.of("svix-signature", "webhook-signature");
    /** Exchange property holding the svix-id as sent, before it is verified (the answer drops every header). */
    public static final String CLAIMED_ID_PROPERTY = "clerkClaimedSvixId";
    /** Only v1 (HMAC-SHA256) is used by Clerk; v1a (ed25519) entries are skipped. */
    private static final String SIGNATURE_VERSION = "v1,";
    /** A svix-id is a short token (msg_...); anything longer is not from Svix and would not fit the stores. */
    private static final int MAX_ID_LENGTH = 200;

    private final List<Webhook> secrets;
    private final Duration tolerance;
    private final Clock clock;

    /**
     * @param secrets   the configured {@code whsec_...} secrets; any one of them may have signed the message
     * @param tolerance how far the svix-timestamp may lie from now, in either direction
     * @param clock     the clock the window is measured against
     */
    public SvixSignatureVerifier(List<String> secrets, Duration tolerance, Clock clock) {
        this.secrets = secrets.stream().map(SvixSignatureVerifier::webhook).toList();
        this.tolerance = tolerance;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        byte[] body = message.getBody(byte[].class);
        // converted once: the parser and the dead-letter store read these same bytes
        message.setBody(body);
        String id = header(message, ID_HEADERS);
        exchange.setProperty(CLAIMED_ID_PROPERTY, id); // for the log line, should the webhook be rejected
        verify(body, id, header(message, TIMESTAMP_HEADERS), header(message, SIGNATURE_HEADERS));
    }

    /** Returns the body as text when the signature holds; throws {@link WebhookRejectedException} otherwise. */
    public String verify(byte[] body, String id, String timestamp, String signatures) {
        if (id == null || timestamp == null || signatures == null) {
            throw new WebhookRejectedException("missing_headers",
                    "svix-id, svix-timestamp and svix-signature headers are required");
        }
        if (id.length() > MAX_ID_LENGTH || id.isBlank()) {
            throw new WebhookRejectedException("invalid_id", "svix-id is blank or longer than " + MAX_ID_LENGTH + " characters");
        }
        long sentAt = parseTimestamp(timestamp);
        long now = clock.instant().getEpochSecond();
        if (sentAt < now - tolerance.toSeconds()) {
            throw new WebhookRejectedException("timestamp_too_old", "svix-timestamp is older than the "
                    + tolerance.toSeconds() + " s tolerance; check this server's clock");
        }
        if (sentAt > now + tolerance.toSeconds()) {
            throw new WebhookRejectedException("timestamp_too_new", "svix-timestamp is more than "
                    + tolerance.toSeconds() + " s in the future; check this server's clock");
        }
        if (body == null || body.length == 0) {
            throw new WebhookRejectedException("empty_body", "the request has no body; send the event as application/json");
        }
        String payload = utf8(body);
        for (Webhook secret : secrets) {
            byte[] expected = expectedSignature(secret, id, sentAt, payload);
            for (String candidate : signatures.trim().split(" +")) {
                if (candidate.startsWith(SIGNATURE_VERSION)
                        && MessageDigest.isEqual(expected, candidate.getBytes(StandardCharsets.US_ASCII))) {
                    return payload;
                }
            }
        }
        throw new WebhookRejectedException("invalid_signature",
                "no signature matches a configured signing secret; check CLERK_WEBHOOK_SECRET");
    }

    private static byte[] expectedSignature(Webhook secret, String id, long timestamp, String payload) {
        try {
            return secret.sign(id, timestamp, payload).getBytes(StandardCharsets.US_ASCII);
        } catch (WebhookSigningException e) {
            throw new IllegalStateException("svix could not compute an HMAC", e);
        }
    }

    private static long parseTimestamp(String timestamp) {
        try {
            return Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new WebhookRejectedException("invalid_timestamp", "svix-timestamp must be whole seconds since the epoch");
        }
    }

    /** Strict decoding: the signed content is text, and two byte strings must never verify as one. */
    private static String utf8(byte[] body) {
        if (isAscii(body)) {
            return new String(body, StandardCharsets.US_ASCII); // the common case, without a decoder per request
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new WebhookRejectedException("invalid_body", "the body is not UTF-8 text");
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The first of {@code names} that is set. A header sent twice is refused rather than verified value by value:
     * Svix sends each once (several signatures go space-separated in one svix-signature), so a second copy is not
     * from Svix, and which copy an intermediary keeps is not something to bet a verification on.
     */
    private static String header(Message message, List<String> names) {
        for (String name : names) {
            if (message.getHeader(name) instanceof Collection<?> values && values.size() > 1) {
                throw new WebhookRejectedException("duplicate_headers", name + " was sent more than once; send each"
                        + " Svix header once");
            }
            String value = message.getHeader(name, String.class);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    private static Webhook webhook(String secret) {
        try {
            return new Webhook(secret);
        } catch (Exception e) {
            // SyncSettings has validated the secrets; the message must not carry the secret itself.
            throw new IllegalArgumentException("a configured webhook secret is not usable");
        }
    }
}
