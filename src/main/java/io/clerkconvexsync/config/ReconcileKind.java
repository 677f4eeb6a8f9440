package io.clerkconvexsync.config;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a reconcile pass can make equal to Clerk. Declared in the order a pass runs them: roles first, which
 * memberships and invitations name; organizations, so a membership's organization is known; users; memberships once
 * both sides exist; invitations, of those organizations; plans, which subscription items point to; subscription
 * items last.
 */
public enum ReconcileKind {
    ROLES, ORGANIZATIONS, USERS, MEMBERSHIPS, INVITATIONS, PLANS, SUBSCRIPTION_ITEMS("subscriptionItems");

    private final String wireName;

    ReconcileKind() {
        this.wireName = name().toLowerCase(Locale.ROOT);
    }

    ReconcileKind(String wireName) {
        this.wireName = wireName;
    }

    /**
     * The name in settings, query strings, summaries and metric labels: {@code organizations}, {@code users}, …,
     * {@code subscriptionItems} (the Convex package's module name).
     */
    public String wireName() {
        return wireName;
    }

    /**
     * A comma-separated list of kinds (white space around each ignored), as {@code RECONCILE_KINDS}, {@code --kinds}
     * and {@code ?kinds=} take it. An empty list or an unknown name is refused, naming {@code setting}.
     */
    public static Set<ReconcileKind> parse(String raw, String setting) {
        Set<ReconcileKind> kinds = EnumSet.noneOf(ReconcileKind.class);
        for (String part : raw.split(",", -1)) {
            String name = part.strip();
            kinds.add(Arrays.stream(values()).filter(k -> k.wireName().equals(name)).findFirst()
                    .orElseThrow(() -> new InvalidSettingException(setting, "must be a comma-separated list of "
                            + names(EnumSet.allOf(ReconcileKind.class)))));
        }
        return kinds;
    }

    /** The kinds' wire names in pass order, comma-separated. */
    public static String names(Set<ReconcileKind> kinds) {
        return kinds.stream().map(ReconcileKind::wireName).collect(Collectors.joining(","));
    }
}
