package io.clerkconvexsync.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Dockerfile and the kustomize base agree with the application they deploy: the variables they set are ones the
 * runtime reads, the ports and probe paths are the ones it serves, and Kubernetes waits longer than Camel's shutdown.
 * (No registry is reachable here, so the image itself is not built in CI; see the README.)
 */
class DeployManifestsTest {
    static final Path BASE = Path.of("deploy/base");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\{\\{env:([A-Z0-9_]+):");
    static final Pattern LOGBACK_VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)");

    final Properties app = properties();
    final JsonNode deployment = yaml("deployment.yaml");
    final JsonNode container = deployment.at("/spec/template/spec/containers/0");

    @Test
    void theKustomizationListsEveryManifestOfTheBase() throws IOException {
        Set<String> listed = new HashSet<>();
        yaml("kustomization.yaml").get("resources").forEach(r -> listed.add(r.asText()));
        try (Stream<Path> files = Files.list(BASE)) {
            Set<String> present = files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml")).collect(Collectors.toSet());
            assertEquals(present, listed, "every manifest in deploy/base is a resource of the kustomization, and only those");
        }
    }

    @Test
    void everyVariableTheDeploymentSetsIsOneTheRuntimeReads() throws IOException {
        Set<String> read = new HashSet<>(matches(ENV_PLACEHOLDER, Files.readString(Path.of("application.properties"))));
        read.addAll(matches(LOGBACK_VARIABLE, Files.readString(Path.of("src/main/resources/logback.xml"))));
        List<String> set = new java.util.ArrayList<>();
        container.get("env").forEach(env -> set.add(env.get("name").asText()));
        assertFalse(set.isEmpty(), "the Deployment sets the settings");
        for (String name : set) {
            assertTrue(read.contains(name), name + " is set by the Deployment but read by nothing: " + read);
        }
        for (String required : List.of("CLERK_WEBHOOK_SECRET", "CONVEX_URL", "STORAGE_JDBC_URL", "STORAGE_USERNAME",
                "STORAGE_PASSWORD")) {
            assertTrue(set.contains(required), required + " must be set for two instances on PostgreSQL");
        }
        for (JsonNode env : container.get("env")) {
            String name = env.get("name").asText();
            if (name.contains("SECRET") || name.contains("KEY") || name.contains("TOKEN") || name.contains("PASSWORD")) {
                assertEquals("clerk-convex-sync", env.at("/valueFrom/secretKeyRef/name").asText(), name + " comes from the Secret");
            }
        }
    }

    /**
     * The rule the README's configuration table states: its default column says "required" (always) or "required for"
     * a feature; the Deployment runs every feature, so it sets every such variable.
     */
    @Test
    void theDeploymentSetsEverySettingTheReadmeMarksRequired() throws IOException {
        List<String> required = requiredInReadme(Files.readString(Path.of("README.md")));
        assertTrue(required.containsAll(List.of("CLERK_WEBHOOK_SECRET", "CONVEX_URL", "STORAGE_JDBC_URL", "CLERK_SECRET_KEY")),
                "the README's table marks the settings it needs as required: " + required);
        Set<String> set = new HashSet<>();
        container.get("env").forEach(env -> set.add(env.get("name").asText()));
        for (String name : required) {
            assertTrue(set.contains(name), name + " is marked required in the README but the Deployment does not set it");
        }
        for (String reconcile : List.of("CLERK_API_URL", "RECONCILE_SCHEDULE", "RECONCILE_KINDS")) {
            assertTrue(set.contains(reconcile), reconcile + ": the Deployment runs reconcile, with its settings in view");
        }
    }

    @Test
    void theExampleSecretHoldsEveryKeyTheDeploymentReads() {
        JsonNode secret = yaml(Path.of("deploy/secret.example.yaml"));
        for (JsonNode env : container.get("env")) {
            JsonNode ref = env.at("/valueFrom/secretKeyRef");
            if (!ref.isMissingNode()) {
                assertTrue(secret.at("/stringData").has(ref.get("key").asText()),
                        ref.get("key").asText() + " is read from the Secret but missing from deploy/secret.example.yaml");
            }
        }
    }

    /** The variables of the configuration table whose default column says "required" or "required for …". */
    static List<String> requiredInReadme(String readme) {
        String table = readme.substring(readme.indexOf("## Configuration"));
        table = table.substring(0, table.indexOf("\n## ", 1));
        List<String> required = new java.util.ArrayList<>();
        for (String row : table.lines().filter(l -> l.startsWith("| `")).toList()) {
            String[] cells = row.split(" \\| ");
            if (cells.length > 3 && REQUIRED.matcher(cells[2]).find()) {
                matches(Pattern.compile("`([A-Z0-9_]+)`"), cells[0]).forEach(required::add);
            }
        }
        return required;
    }

    static final Pattern REQUIRED = Pattern.compile("\\brequired\\b");

    @Test
    void readsTheRequiredMarkOfTheDefaultColumnOnly() {
        String readme = "## Configuration\n\n| a | b | c | d |\n|---|---|---|---|\n"
                + "| `ALWAYS` | `a` | — (required) | x |\n| `FEATURE` | `f` | none; required for reconcile | x |\n"
                + "| `OPTIONAL` | `o` | none | not required unless you like |\n| | `no.env` | required | x |\n\n## Next\n"
                + "| `LATER` | `l` | — (required) | x |\n";
        assertEquals(List.of("ALWAYS", "FEATURE"), requiredInReadme(readme));
    }

    @Test
    void portsAndProbesAreTheOnesTheRuntimeServes() {
        int webhook = defaultOf(app.getProperty("camel.server.port"));
        int management = defaultOf(app.getProperty("camel.management.port"));
        assertEquals(webhook, port("webhook"), "the webhook port is the runtime's default PORT");
        assertEquals(management, port("management"), "the management port is the runtime's default MANAGEMENT_PORT");
        assertEquals(Integer.toString(webhook), envValue("PORT"));
        assertEquals(Integer.toString(management), envValue("MANAGEMENT_PORT"));

        // Camel serves health under camel.management.health-path, /observe/health unless set otherwise
        String health = app.getProperty("camel.management.health-path", "/observe/health");
        assertEquals(health + "/live", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals(health + "/ready", container.at("/readinessProbe/httpGet/path").asText());
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            assertEquals("management", container.at("/" + probe + "/httpGet/port").asText(), probe + " asks the management port");
        }

        JsonNode service = yaml("service.yaml");
        assertEquals(1, service.at("/spec/ports").size(), "the Service exposes one port");
        assertEquals("webhook", service.at("/spec/ports/0/targetPort").asText(), "and it is the webhook port, never management");
    }

    @Test
    void twoReplicasDrainedOneAtATimeAndGivenLongerThanCamelsShutdown() {
        assertEquals(2, deployment.at("/spec/replicas").asInt());
        int shutdown = Integer.parseInt(app.getProperty("camel.main.shutdown-timeout").trim());
        int grace = deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asInt();
        assertTrue(grace > shutdown, "terminationGracePeriodSeconds " + grace + " must exceed camel.main.shutdown-timeout " + shutdown);

        JsonNode pdb = yaml("poddisruptionbudget.yaml");
        assertEquals(deployment.at("/spec/selector"), pdb.at("/spec/selector"), "the budget covers the Deployment's pods");
        assertTrue(pdb.at("/spec/minAvailable").asInt() >= 1 && pdb.at("/spec/minAvailable").asInt() < 2,
                "a drain keeps one instance and can still move the other");
        assertTrue(deployment.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean(), "never as root");
    }

    @Test
    void theMemoryLimitLeavesRoomAboveTheHeapThatJvmOptionsFixes() throws IOException {
        Matcher xmx = Pattern.compile("-Xmx(\\d+)([mMgG])").matcher(Files.readString(Path.of("jvm.options")));
        int heapMiB = xmx.find() ? Integer.parseInt(xmx.group(1)) * (xmx.group(2).equalsIgnoreCase("g") ? 1024 : 1) : 256;
        String limit = container.at("/resources/limits/memory").asText();
        assertTrue(limit.endsWith("Mi"), "memory limit in Mi: " + limit);
        int limitMiB = Integer.parseInt(limit.substring(0, limit.length() - 2));
        assertTrue(limitMiB >= heapMiB + 192, "a " + limit + " limit leaves too little above a " + heapMiB
                + " MiB heap for metaspace, code cache and threads (measured ~200 MiB)");
    }

    @Test
    void theImageRunsTheJarWithJvmOptionsAsANonRootUserAndExposesBothPorts() throws IOException {
        String dockerfile = Files.readString(Path.of("Dockerfile"));
        assertTrue(Pattern.compile("(?m)^FROM \\S+:25\\S*-jre\\s*$").matcher(dockerfile).find(), "a Java 25 JRE base");
        assertTrue(Pattern.compile("(?m)^USER 10001").matcher(dockerfile).find(), "runs as the non-root user");
        assertEquals(deployment.at("/spec/template/spec/securityContext/runAsUser").asText(), "10001",
                "the Deployment runs as the image's user");
        assertTrue(dockerfile.contains("ENTRYPOINT [\"bin/clerk-convex-sync\"]") && dockerfile.contains("COPY jvm.options ./")
                        && Pattern.compile("(?m)^COPY bin/clerk-convex-sync bin/find-java.sh bin/build-aot-cache bin/$").matcher(dockerfile).find(),
                "the image starts the jar as the README does: bin/clerk-convex-sync with the repository's jvm.options");
        assertTrue(Pattern.compile("(?m)^RUN AOT_TRAINING_CLASSPATH=\\S+ bin/build-aot-cache").matcher(dockerfile).find(),
                "the image makes the AOT cache the launcher maps, in the image (it fits that JVM and jar only)");
        assertTrue(Pattern.compile("(?m)^EXPOSE " + port("webhook") + " " + port("management") + "$").matcher(dockerfile).find(),
                "both ports are exposed");
    }

    private int port(String name) {
        for (JsonNode p : container.get("ports")) {
            if (name.equals(p.get("name").asText())) {
                return p.get("containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + name);
    }

    private String envValue(String name) {
        for (JsonNode env : container.get("env")) {
            if (name.equals(env.get("name").asText())) {
                return env.get("value").asText();
            }
        }
        throw new AssertionError(name + " is not set");
    }

    /** The default of a {@code {{env:NAME:default}}} value, or the value itself. */
    private static int defaultOf(String value) {
        String v = value.trim();
        return Integer.parseInt(v.startsWith("{{env:") ? v.substring(v.lastIndexOf(':') + 1, v.length() - 2) : v);
    }

    private static List<String> matches(Pattern pattern, String text) {
        return pattern.matcher(text).results().map(m -> m.group(1)).toList();
    }

    private static JsonNode yaml(String file) {
        return yaml(BASE.resolve(file));
    }

    private static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new AssertionError(file + " is not readable YAML", e);
        }
    }

    private static Properties properties() {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("application.properties"))) {
            p.load(in);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return p;
    }
}
