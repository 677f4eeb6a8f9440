package io.clerkconvexsync.support;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A store test run twice, on H2 and on PostgreSQL: each test gets a fresh, migrated {@link #database} of its own
 * (the PostgreSQL run is skipped, or fails under CI=true, when the server cannot be reached).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.Engine.class)
public abstract class OnBothDatabases {

    @Parameter
    protected TestDatabase.Engine engine;
    protected TestDatabase database;

    @BeforeEach
    void createDatabase() {
        database = TestDatabase.create(engine);
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }
}
