package io.clerkconvexsync.ops;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;

import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseReadinessCheckTest {

    @Test
    void isDownWithAReasonWhenTheDatabaseCannotBeWritten() throws Exception {
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:mem:db-readiness;DB_CLOSE_DELAY=-1", "sa", "");
        DatabaseReadinessCheck check = new DatabaseReadinessCheck(pool, Clock.systemUTC());
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            check.setCamelContext(context);
            context.start();
            assertEquals(HealthCheck.State.UP, check.call().getState(), "a writable database is ready");

            pool.dispose();
            HealthCheck.Result result = check.call();
            assertEquals(HealthCheck.State.DOWN, result.getState(), "a database that refuses writes is not ready");
            assertTrue(result.getMessage().orElse("").contains("cannot be written"), result.getMessage().orElse("no reason"));
        }
    }
}
