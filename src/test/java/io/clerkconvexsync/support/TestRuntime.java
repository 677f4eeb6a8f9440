package io.clerkconvexsync.support;

import org.apache.camel.test.AvailablePortFinder;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What a test class that boots the application needs before Camel starts: two free ports and a Convex stand-in,
 * published as system properties under a prefix of its own, which its {@code @CamelMainTest} properties reference
 * ({@code camel.server.port={{<prefix>.webhook.port}}}, {@code <prefix>.management.port}, {@code <prefix>.convex.url}).
 * A prefix per class keeps one class's values from leaking into the next.
 */
public record TestRuntime(int webhookPort, int managementPort, ConvexStandIn convex) {

    public static TestRuntime prepare(String prefix) {
        ConvexStandIn convex;
        try {
            convex = new ConvexStandIn();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TestRuntime runtime = new TestRuntime(AvailablePortFinder.getNextAvailable(), AvailablePortFinder.getNextAvailable(),
                convex);
        System.setProperty(prefix + ".webhook.port", Integer.toString(runtime.webhookPort));
        System.setProperty(prefix + ".management.port", Integer.toString(runtime.managementPort));
        System.setProperty(prefix + ".convex.url", convex.url());
        return runtime;
    }

    /** Sends webhooks signed with {@code secret} to the runtime's listener. */
    public SignedWebhooks clerk(String secret) {
        return new SignedWebhooks("http://127.0.0.1:" + webhookPort + "/clerk-webhook", secret);
    }

    /** A URL on the management port. */
    public String management(String path) {
        return "http://127.0.0.1:" + managementPort + path;
    }
}
