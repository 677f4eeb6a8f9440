package io.clerkconvexsync;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The house, read from the imports of src/main/java: no circle among the packages, and {@code config} (the settings
 * records every capability reads) imports nothing of the project's own. Imports are what a reader sees, so they are
 * what is checked; a fully qualified name in code would slip past, and none is used.
 */
class PackageStructureTest {
    private static final Path SOURCES = Path.of("src/main/java/io/clerkconvexsync");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.clerkconvexsync\\.([\\w.]+);", Pattern.MULTILINE);
    private static final String ROOT = "(root)";

    @Test
    void noPackageImportsItselfInACircle() throws IOException {
        Map<String, Set<String>> edges = packageImports();
        List<String> circle = findCircle(edges);
        assertTrue(circle.isEmpty(), "packages import each other in a circle: " + String.join(" -> ", circle));
    }

    @Test
    void configImportsNothingOfTheProject() throws IOException {
        assertEquals(Set.of(), packageImports().getOrDefault("config", Set.of()),
                "config/ holds the settings records that every capability reads; it must import none of them");
    }

    /** Package → the project's packages it imports (the root package is the entry point, Application). */
    private static Map<String, Set<String>> packageImports() throws IOException {
        Map<String, Set<String>> edges = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String from = packageOf(SOURCES.relativize(file.getParent()).toString());
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    String first = m.group(1).split("\\.")[0];
                    String to = Character.isUpperCase(first.charAt(0)) ? ROOT : first;
                    if (!to.equals(from)) {
                        edges.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
                    }
                }
            }
        }
        return edges;
    }

    private static String packageOf(String relative) {
        return relative.isEmpty() ? ROOT : relative.split("[/\\\\]")[0];
    }

    /** A circle as the packages along it, or empty: depth-first search keeping the path. */
    private static List<String> findCircle(Map<String, Set<String>> edges) {
        Set<String> done = new TreeSet<>();
        for (String start : edges.keySet()) {
            Deque<String> path = new ArrayDeque<>();
            List<String> circle = visit(start, edges, path, done);
            if (!circle.isEmpty()) {
                return circle;
            }
        }
        return List.of();
    }

    private static List<String> visit(String node, Map<String, Set<String>> edges, Deque<String> path, Set<String> done) {
        if (path.contains(node)) {
            List<String> circle = new ArrayList<>();
            boolean in = false;
            for (String p : (Iterable<String>) path::descendingIterator) {
                in |= p.equals(node);
                if (in) {
                    circle.add(p);
                }
            }
            circle.add(node);
            return circle;
        }
        if (!done.add(node)) {
            return List.of();
        }
        path.push(node);
        for (String next : edges.getOrDefault(node, Set.of())) {
            List<String> circle = visit(next, edges, path, done);
            if (!circle.isEmpty()) {
                return circle;
            }
        }
        path.pop();
        return List.of();
    }
}
