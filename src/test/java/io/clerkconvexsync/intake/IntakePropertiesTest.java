package io.clerkconvexsync.intake;

import io.clerkconvexsync.delivery.ConvexCall;
import io.clerkconvexsync.delivery.ConvexRequestBuilder;
import io.clerkconvexsync.event.ClerkEvent;
import io.clerkconvexsync.event.ClerkEventParser;
import io.clerkconvexsync.event.WebhookRejectedException;
import com.svix.Webhook;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.WithNull;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the door, over generated input (jqwik, bounded tries so CI spends seconds): whatever a sender sends,
 * the verifier and the parser either accept it or reject it as the sender's fault (a 4xx), never with any other
 * exception (which would be a 503 that Svix retries for a day); and an accepted event's {@code data} reaches the body
 * of the Convex call as exactly the bytes received.
 */
class IntakePropertiesTest {
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    final SvixSignatureVerifier verifier = new SvixSignatureVerifier(List.of(SECRET), Duration.ofMinutes(5),
            Clock.fixed(NOW, ZoneOffset.UTC));
    final ClerkEventParser parser = new ClerkEventParser();

    // ---- verifier ----------------------------------------------------------------------------------------------------

    @Property(tries = 1000)
    void theVerifierOnlyEverRejectsWhatItDoesNotAccept(@ForAll @Size(max = 4096) byte[] body,
                                                       @ForAll @WithNull(0.1) String id,
                                                       @ForAll("timestamps") String timestamp,
                                                       @ForAll("signatures") String signatures) {
        try {
            verifier.verify(body, id, timestamp, signatures);
        } catch (WebhookRejectedException rejected) {
            assertSenderFault(rejected);
        }
    }

    @Property(tries = 300)
    void anyUtf8BodySignedWithTheSecretVerifiesToItsOwnText(@ForAll("texts") String text,
                                                           @ForAll("ids") String id) throws Exception {
        long timestamp = NOW.getEpochSecond();
        String signature = new Webhook(SECRET).sign(id, timestamp, text);
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        if (body.length == 0) {
            return; // an empty body is refused as such
        }
        assertEquals(text, verifier.verify(body, id, Long.toString(timestamp), "v1,AAAA " + signature));
    }

    @Provide
    Arbitrary<String> timestamps() {
        long now = NOW.getEpochSecond();
        return Arbitraries.oneOf(Arbitraries.longs().between(now - 600, now + 600).map(String::valueOf),
                Arbitraries.strings().ofMaxLength(30), Arbitraries.just(null), Arbitraries.just(" " + now + " "),
                Arbitraries.strings().numeric().ofMinLength(19).ofMaxLength(400));
    }

    @Provide
    Arbitrary<String> signatures() {
        Arbitrary<String> one = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(60),
                Arbitraries.strings().withCharRange('A', 'z').ofMaxLength(44).map(s -> "v1," + s),
                Arbitraries.strings().ofMaxLength(60).map(s -> "v1a," + s));
        return Arbitraries.oneOf(one, one.list().ofMaxSize(5).map(l -> String.join(" ", l)), Arbitraries.just(null));
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(60);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00a0', '\ud7ff')
                .withCharRange('\ue000', '\ufffd').withChars('\n', '\t').ofMaxLength(300);
    }

    // ---- parser ------------------------------------------------------------------------------------------------------

    @Property(tries = 1000)
    void theParserOnlyEverRejectsWhatItDoesNotAccept(@ForAll("bodies") byte[] body) {
        try {
            ClerkEvent event = parser.parse("msg_1", body, Map.of());
            assertTrue(event.type() != null && !event.type().isBlank(), "an accepted event has a type");
        } catch (WebhookRejectedException rejected) {
            assertSenderFault(rejected);
        }
    }

    @Property(tries = 500)
    void theDataReachesTheConvexCallAsTheBytesReceived(@ForAll("dataObjects") String data, @ForAll("blanks") String ws,
                                                       @ForAll("values") String other) {
        String body = "{" + ws + "\"type\":" + ws + "\"user.updated\"," + ws + "\"object\":" + other + "," + ws
                + "\"data\"" + ws + ":" + ws + data + ws + ",\"timestamp\":1716883200" + ws + "}";
        ClerkEvent event = parser.parse("msg_1", body.getBytes(StandardCharsets.UTF_8), Map.of());
        assertEquals("user_fuzz", event.subjectId());
        byte[] sent = ConvexRequestBuilder.requestBody(ConvexCall.wrap("users:upsertFromClerk", "user", event.data()));
        byte[] expected = ("{\"path\":\"users:upsertFromClerk\",\"args\":{\"user\":" + data + "},\"format\":\"json\"}")
                .getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expected, sent, () -> "data changed on its way to Convex: " + new String(sent, StandardCharsets.UTF_8));
    }

    /** Valid events, events cut or spliced with random bytes, and arbitrary bytes. */
    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<String> events = Combinators.combine(dataObjects(), values(), blanks())
                .as((data, other, ws) -> "{\"type\":\"user.created\"," + ws + "\"data\":" + data + ",\"x\":" + other + "}");
        Arbitrary<String> mutated = Combinators.combine(events, Arbitraries.integers().between(0, 1000),
                Arbitraries.strings().ofMaxLength(3))
                .as((e, at, insert) -> e.substring(0, Math.min(at, e.length())) + insert + e.substring(Math.min(at, e.length()) / 2));
        Arbitrary<String> extreme = Arbitraries.oneOf(
                Arbitraries.integers().between(900, 5_000).map(n -> "{\"type\":\"user.created\",\"data\":" + "[".repeat(n) + "]".repeat(n) + "}"),
                Arbitraries.integers().between(900, 100_000).map(n -> "{\"type\":\"user.created\",\"timestamp\":" + "9".repeat(n) + "}"),
                Arbitraries.integers().between(1, 3).map(n -> "{\"type\":\"user.created\",\"data\":{\"id\":\"u\"}}" + "x".repeat(n)));
        return Arbitraries.oneOf(
                events.map(s -> s.getBytes(StandardCharsets.UTF_8)),
                mutated.map(s -> s.getBytes(StandardCharsets.UTF_8)),
                extreme.map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(512));
    }

    /** A user's data object, its id first as Clerk sends it, then generated fields. */
    @Provide
    Arbitrary<String> dataObjects() {
        return Combinators.combine(members(2).list().ofMaxSize(5), blanks())
                .as((members, ws) -> "{" + ws + "\"id\":\"user_fuzz\"" + members.stream().map(m -> "," + ws + m).reduce("", String::concat) + ws + "}");
    }

    @Provide
    Arbitrary<String> values() {
        return value(2);
    }

    private Arbitrary<String> value(int depth) {
        Arbitrary<String> scalar = Arbitraries.oneOf(jsonStrings(), numbers(),
                Arbitraries.of("true", "false", "null"));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> object = members(depth - 1).list().ofMaxSize(4).map(m -> "{" + String.join(",", m) + "}");
        Arbitrary<String> array = value(depth - 1).list().ofMaxSize(4).map(v -> "[" + String.join(" , ", v) + "]");
        return Arbitraries.oneOf(scalar, object, array);
    }

    private Arbitrary<String> members(int depth) {
        return Combinators.combine(jsonStrings(), blanks(), value(depth)).as((k, ws, v) -> k + ws + ":" + ws + v);
    }

    private Arbitrary<String> numbers() {
        return Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("-0", "0.0", "1.50", "1e5", "-1.0E-10", "123456789012345678901234567890", "2.5e+300"));
    }

    /** JSON strings with raw unicode, escapes, and \\u forms, written as a sender might. */
    private Arbitrary<String> jsonStrings() {
        Arbitrary<String> part = Arbitraries.oneOf(texts().map(t -> t.replace("\\", "\\\\").replace("\"", "\\\"")
                        .replace("\n", "\\n").replace("\t", "\\t")),
                Arbitraries.of("\\u00e9", "\\ud83d\\ude00", "\\/", "\\\"", "\\\\", "\\b\\f\\r", "é", "😀", "\\u0000"));
        return part.list().ofMaxSize(3).map(p -> "\"" + String.join("", p) + "\"");
    }

    @Provide
    Arbitrary<String> blanks() {
        return Arbitraries.of("", " ", "\n", "\t ", "\r\n  ");
    }

    private static void assertSenderFault(WebhookRejectedException rejected) {
        assertTrue(rejected.status() >= 400 && rejected.status() < 500, "a rejection is a 4xx: " + rejected.status());
        assertTrue(rejected.code() != null && !rejected.code().isBlank(), "a rejection names its reason");
    }
}
