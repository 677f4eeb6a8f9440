package io.clerkconvexsync.intake;

import io.clerkconvexsync.event.WebhookRejectedException;
import io.clerkconvexsync.support.SignedWebhooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SvixSignatureVerifierTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TS = 1614265330L;
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    private static SvixSignatureVerifier verifierAt(long epochSeconds, String... secrets) {
        return new SvixSignatureVerifier(List.of(secrets), TOLERANCE,
                Clock.fixed(Instant.ofEpochSecond(epochSeconds), ZoneOffset.UTC));
    }

    private static String reason(Runnable call) {
        return assertThrows(WebhookRejectedException.class, call::run, "the webhook should have been rejected").code();
    }

    /** The Standard Webhooks / Svix published vectors, each checked with the clock pinned to its timestamp. */
    @ParameterizedTest(name = "vector {index}")
    @CsvSource(delimiter = '|', value = {
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw|msg_p5jXN8AQM9LWM0D4loKWxJek|1614265330|{\"test\": 2432232314}|v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD|msg_27UH4WbU6Z5A5EzD8u03UvzRbpk|1649367553|{\"email\":\"test@example.com\",\"username\":\"test_user\"}|v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
            "whsec_plJ3nmyCDGBKInavdOK15jsl|msg_loFOjxBNrRLzqYUf|1731705121|{\"event_type\":\"ping\",\"data\":{\"success\":true}}|v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0="})
    void acceptsPublishedVectors(String secret, String id, long ts, String payload, String signature) {
        String body = verifierAt(ts, secret).verify(payload.getBytes(StandardCharsets.UTF_8), id, Long.toString(ts), signature);
        assertEquals(payload, body, "the verified body should be returned unchanged");
    }

    @ParameterizedTest(name = "{0} bytes of 'a'")
    @CsvSource({"1048576,v1,txpEUxqWZJ5nteTnymUVa+7C4NHpBeXJ6CsBAW0c3/A=",
            "262144,v1,Mw4Pe2WgApuT7NSqnSq0PQPV9gbLdggCl9B865x5Xh0=",
            "262143,v1,NTItnqyWMoFhk2Bbe5V/BMdcFRWgcSQaTgqLHX7FC7c="})
    void acceptsLargePayloadVectors(int size, String version, String mac) {
        byte[] body = "a".repeat(size).getBytes(StandardCharsets.US_ASCII);
        verifierAt(TS, SECRET).verify(body, ID, Long.toString(TS), version + "," + mac);
    }

    @Test
    void rejectsThePublishedNegativeVector() {
        long ts = 1649367553L;
        String payload = "{\"email\":\"test@example.com\",\"username\":\"test_user\"}";
        assertEquals("invalid_signature", reason(() -> verifierAt(ts, "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")
                .verify(payload.getBytes(StandardCharsets.UTF_8), "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk", Long.toString(ts),
                        "v1,R3PTzyfHASBKHH98a7yexTwaJ4yNIcGhFQc1yuN+BPU=")));
    }

    @Test
    void acceptsAnyOfSeveralSpaceSeparatedSignatures() {
        String body = "{\"type\":\"user.created\"}";
        String good = SignedWebhooks.sign(SECRET, ID, TS, body);
        verifierAt(TS, SECRET).verify(body.getBytes(StandardCharsets.UTF_8), ID, Long.toString(TS),
                "v1a,bm90IGVkMjU1MTk= v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= " + good);
    }

    @Test
    void acceptsASignatureFromAnyConfiguredSecretDuringRotation() {
        String body = "{\"type\":\"user.created\"}";
        String newSecret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
        String signedWithNew = SignedWebhooks.sign(newSecret, ID, TS, body);
        verifierAt(TS, SECRET, newSecret).verify(body.getBytes(StandardCharsets.UTF_8), ID, Long.toString(TS), signedWithNew);
        assertEquals("invalid_signature", reason(() -> verifierAt(TS, SECRET)
                .verify(body.getBytes(StandardCharsets.UTF_8), ID, Long.toString(TS), signedWithNew)));
    }

    @Test
    void acceptsTimestampsAtTheEdgesOfTheWindowBothWays() {
        String body = "{}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        verifierAt(TS + 300, SECRET).verify(bytes, ID, Long.toString(TS), SignedWebhooks.sign(SECRET, ID, TS, body));
        verifierAt(TS - 300, SECRET).verify(bytes, ID, Long.toString(TS), SignedWebhooks.sign(SECRET, ID, TS, body));
    }

    @Test
    void rejectsStaleTimestamp() {
        String body = "{}";
        assertEquals("timestamp_too_old", reason(() -> verifierAt(TS + 301, SECRET).verify(body.getBytes(StandardCharsets.UTF_8),
                ID, Long.toString(TS), SignedWebhooks.sign(SECRET, ID, TS, body))));
    }

    @Test
    void rejectsTimestampFromTheFuture() {
        String body = "{}";
        assertEquals("timestamp_too_new", reason(() -> verifierAt(TS - 301, SECRET).verify(body.getBytes(StandardCharsets.UTF_8),
                ID, Long.toString(TS), SignedWebhooks.sign(SECRET, ID, TS, body))));
    }

    @Test
    void rejectsTamperedBodyIdAndTimestamp() {
        String body = "{\"type\":\"user.created\"}";
        String signature = SignedWebhooks.sign(SECRET, ID, TS, body);
        SvixSignatureVerifier verifier = verifierAt(TS, SECRET);
        assertEquals("invalid_signature", reason(() -> verifier.verify("{\"type\":\"user.deleted\"}".getBytes(StandardCharsets.UTF_8),
                ID, Long.toString(TS), signature)));
        assertEquals("invalid_signature", reason(() -> verifier.verify(body.getBytes(StandardCharsets.UTF_8),
                "msg_other", Long.toString(TS), signature)));
        assertEquals("invalid_signature", reason(() -> verifier.verify(body.getBytes(StandardCharsets.UTF_8),
                ID, Long.toString(TS + 1), signature)));
    }

    @Test
    void rejectsMissingHeadersAndMalformedValues() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        SvixSignatureVerifier verifier = verifierAt(TS, SECRET);
        assertEquals("missing_headers", reason(() -> verifier.verify(body, null, Long.toString(TS), "v1,x")));
        assertEquals("missing_headers", reason(() -> verifier.verify(body, ID, null, "v1,x")));
        assertEquals("missing_headers", reason(() -> verifier.verify(body, ID, Long.toString(TS), null)));
        assertEquals("invalid_timestamp", reason(() -> verifier.verify(body, ID, "yesterday", "v1,x")));
        assertEquals("empty_body", reason(() -> verifier.verify(new byte[0], ID, Long.toString(TS), "v1,x")));
        assertEquals("invalid_body", reason(() -> verifier.verify(new byte[] {(byte) 0xC3, (byte) 0x28}, ID,
                Long.toString(TS), "v1,x")));
        assertEquals("invalid_id", reason(() -> verifier.verify(body, "m".repeat(201), Long.toString(TS), "v1,x")));
    }

    @Test
    void rejectionMessagesNeverQuoteTheSecretOrTheSignature() {
        String body = "{}";
        String signature = SignedWebhooks.sign(SECRET, ID, TS, "{\"other\":1}");
        WebhookRejectedException e = assertThrows(WebhookRejectedException.class, () -> verifierAt(TS, SECRET)
                .verify(body.getBytes(StandardCharsets.UTF_8), ID, Long.toString(TS), signature));
        String message = e.getMessage();
        assertEquals(-1, message.indexOf(SECRET.substring(6)), "the message quotes the secret");
        assertEquals(-1, message.indexOf(signature.substring(3)), "the message quotes the signature");
    }
}
