package io.clerkconvexsync.cli;

import io.clerkconvexsync.config.SyncSettings;
import io.clerkconvexsync.routing.EventFamilyTranslator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.svix.Webhook;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.clerkconvexsync.event.ClerkEventParser.JSON;

/**
 * {@code send-test-event}: what Clerk's "Send test webhook" button does, from this machine: signs a sample Clerk event
 * with the configured signing secret and posts it to a running instance, so it can be tried without a public URL.
 */
@Command(name = SendTestEvent.COMMAND, description = "Sign a sample Clerk event with CLERK_WEBHOOK_SECRET and post it"
        + " to a running instance; exit 0 when it is answered 2xx.")
public final class SendTestEvent implements Callable<Integer> {
    public static final String COMMAND = "send-test-event";
    static final List<String> TYPES = Stream.of(List.of("user.created", "user.updated", "user.deleted",
            "organization.created", "organization.updated", "organization.deleted",
            "organizationMembership.created", "organizationMembership.updated", "organizationMembership.deleted",
            "role.created", "role.updated", "role.deleted", "permission.deleted"),
            EventFamilyTranslator.SUBSCRIPTION_TYPES, EventFamilyTranslator.SUBSCRIPTION_ITEM_TYPES,
            EventFamilyTranslator.INVITATION_TYPES,
            // not delivered by the runtime: for trying an extension route such as routes/payment-attempt-updated.yaml
            List.of("paymentAttempt.updated")).flatMap(List::stream).toList();

    /**
     * The sample whose data a type without a real payload of its own is sent with, under its own type: Clerk's spec
     * has examples of one subscription event and two item events only. The data's status is then the example's.
     */
    public static String sampleOf(String type) {
        if (type.startsWith("subscriptionItem.") && !type.equals("subscriptionItem.canceled")) {
            return "subscriptionItem.active";
        }
        return type.startsWith("subscription.") ? "subscription.created" : type;
    }

    /** Clerk's ids in the samples (user_, org_, orgmem_, role_, csub_item_, …): a prefix, an underscore and base62. */
    private static final Pattern CLERK_ID = Pattern.compile("\\b([a-z]+(?:_[a-z]+)?)_[A-Za-z0-9]{20,}\\b");
    private static final Pattern DATA_ID = Pattern.compile("\"data\"\\s*:\\s*\\{[^{}]*?\"id\"\\s*:\\s*\"([^\"]+)\"");

    @Parameters(arity = "0..1", paramLabel = "<type>", defaultValue = "user.created",
            completionCandidates = Types.class, description = "Event type: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = "--url", paramLabel = "<url>",
            description = "Webhook URL (default: http://localhost:<PORT><clerk.webhook-path>).")
    String url;

    @Spec
    CommandSpec spec;

    /** The sample types, for the help text. */
    static final class Types implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return TYPES.iterator();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (!TYPES.contains(type)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Unknown event type '" + type + "' (samples: " + String.join(", ", TYPES) + ")");
        }
        String secret = Cli.withSettings(context -> {
            if (url == null) {
                url = "http://localhost:" + context.resolvePropertyPlaceholders("{{camel.server.port}}")
                        + context.resolvePropertyPlaceholders("{{clerk.webhook-path}}");
            }
            return SyncSettings.secretsFrom(context.getPropertiesComponent().resolveProperty(SyncSettings.WEBHOOK_SECRET)).get(0);
        });
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        URI target;
        try {
            target = new URI(url);
            if (!("http".equals(target.getScheme()) || "https".equals(target.getScheme())) || target.getHost() == null) {
                throw new URISyntaxException(url, "not an absolute http(s) URL");
            }
        } catch (URISyntaxException e) {
            err.println("send-test-event: --url '" + url + "' is not an absolute http(s) URL such as "
                    + "http://localhost:8080/clerk-webhook");
            return 1;
        }
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String body = freshIds(sample(type), run);
        String id = "msg_test_" + run;
        long timestamp = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("svix-id", id)
                .header("svix-timestamp", Long.toString(timestamp))
                .header("svix-signature", new Webhook(secret).sign(id, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // one line: the instance is down or the URL is wrong; a stack trace would say no more
            err.println("send-test-event: no answer from " + url + " (" + describe(e) + "); is the runtime running there?");
            return 1;
        }
        out.println("sent " + type + " of " + objectId(body) + " svix-id " + id + " to " + url);
        out.println("HTTP " + response.statusCode() + " " + response.body());
        return response.statusCode() / 100 == 2 ? 0 : 1;
    }

    private static String describe(IOException e) {
        String message = e instanceof java.net.ConnectException && e.getMessage() == null ? "connection refused" : e.getMessage();
        if (message == null && e.getCause() != null) {
            message = e.getCause().getMessage();
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    /**
     * The sample with each Clerk id in it (user, organization, membership, role, email…) made new for this run: with the
     * samples' own ids, Convex keeps a deleted sample's tombstone, and every later created or updated event of that id
     * is ignored as older, while the runtime still answers delivered. One id stays one id within the event.
     */
    static String freshIds(String sample, String run) {
        Map<String, String> fresh = new HashMap<>();
        return CLERK_ID.matcher(sample).replaceAll(m -> fresh.computeIfAbsent(m.group(),
                id -> m.group(1) + "_test" + run + Integer.toString(fresh.size(), 36)));
    }

    /** The id of the event's object, for the output. */
    private static String objectId(String body) {
        Matcher m = DATA_ID.matcher(body);
        return m.find() ? m.group(1) : "its object";
    }

    /** The signed body for a type: its sample, or the one it borrows with its own type put in (see {@link #sampleOf}). */
    public static String sample(String type) throws IOException {
        String source = sampleOf(type);
        String body;
        try (InputStream in = SendTestEvent.class.getResourceAsStream("/samples/" + source + ".json")) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        if (source.equals(type)) {
            return body;
        }
        ObjectNode event = (ObjectNode) JSON.readTree(body);
        event.put("type", type);
        return JSON.writeValueAsString(event);
    }
}
