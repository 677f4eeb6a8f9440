package io.clerkconvexsync.runtime;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.support.scan.DefaultPackageScanClassResolver;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Modifier;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The runtime names its routes instead of scanning for them: the names must be what a scan of the product finds. */
class RuntimeMainTest {

    private static final String PRODUCT = "io.clerkconvexsync";

    @Test
    void everyRouteClassOfTheProductIsNamed() {
        Set<String> found = productClasses(RoutesBuilder.class);
        assertFalse(found.isEmpty(), "the scan found the product's routes");
        Set<String> named = new TreeSet<>();
        RuntimeMain.ROUTES.forEach(c -> named.add(c.getName()));
        assertEquals(found, named, "RuntimeMain.ROUTES lists every RouteBuilder and RouteConfigurationBuilder");
    }

    @Test
    void theRuntimeConfigurationIsTheOnlyOne() {
        assertEquals(Set.of(RuntimeConfiguration.class.getName()), productClasses(CamelConfiguration.class));
    }

    /** Concrete classes of the product's own jar (not of the tests) that a Camel package scan would instantiate. */
    private static Set<String> productClasses(Class<?> type) {
        var product = RuntimeMain.class.getProtectionDomain().getCodeSource().getLocation();
        Set<String> names = new TreeSet<>();
        for (Class<?> c : new DefaultPackageScanClassResolver().findImplementations(type, PRODUCT)) {
            if (!Modifier.isAbstract(c.getModifiers()) && !c.isInterface()
                    && c.getProtectionDomain().getCodeSource().getLocation().equals(product)) {
                names.add(c.getName());
            }
        }
        return names;
    }
}
