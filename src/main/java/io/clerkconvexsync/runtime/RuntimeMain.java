package io.clerkconvexsync.runtime;

import org.apache.camel.main.Main;

/**
 * The Camel Main that every door starts (the runtime, and the command-line tools that need its context): the
 * runtime's property files, and the routes and configuration classes found under the product's root package.
 */
public final class RuntimeMain {
    /** Defaults packed in the jar, overridden by ./application.properties where the jar is started. */
    public static final String PROPERTY_LOCATIONS =
            "classpath:application.properties;optional=true,file:application.properties;optional=true";

    /** The package Camel scans: the product's root, one above this one, so every capability's routes are found. */
    private static final String BASE_PACKAGE =
            RuntimeMain.class.getPackageName().substring(0, RuntimeMain.class.getPackageName().lastIndexOf('.'));

    private RuntimeMain() {
    }

    /** A Camel Main with the runtime's properties and routes, not yet started. */
    public static Main create() {
        Main main = new Main();
        main.configure().withBasePackageScan(BASE_PACKAGE);
        main.setPropertyPlaceholderLocations(PROPERTY_LOCATIONS);
        return main;
    }
}
