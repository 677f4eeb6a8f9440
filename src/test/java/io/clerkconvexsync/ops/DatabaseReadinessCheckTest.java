package io.clerkconvexsync.ops;

import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import com.zaxxer.hikari.HikariDataSource;
import io.clerkconvexsync.support.TestDatabase;
import org.junit.jupiter.api.Test;

import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseReadinessCheckTest {

    @Test
    void isDownWithAReasonWhenTheDatabaseCannotBeWritten() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Engine.H2);
             DefaultCamelContext context = new DefaultCamelContext()) {
            HikariDataSource pool = database.open();
            DatabaseReadinessCheck check = new DatabaseReadinessCheck(pool, Clock.systemUTC());
            check.setCamelContext(context);
            context.start();
            assertEquals(HealthCheck.State.UP, check.call().getState(), "a writable database is ready");

            pool.close();
            HealthCheck.Result result = check.call();
            assertEquals(HealthCheck.State.DOWN, result.getState(), "a database that refuses writes is not ready");
            assertTrue(result.getMessage().orElse("").contains("cannot be written"), result.getMessage().orElse("no reason"));
        }
    }
}
