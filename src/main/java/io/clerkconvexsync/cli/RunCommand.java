package io.clerkconvexsync.cli;

import io.clerkconvexsync.ops.GracefulShutdown;
import io.clerkconvexsync.runtime.RuntimeMain;
import org.apache.camel.main.Main;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code run} (the default): the runtime, until SIGTERM or Ctrl-C. */
@Command(name = "run", description = "Start the runtime (the default): the webhook listener, delivery to Convex,"
        + " health and metrics.")
public final class RunCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        Main main = RuntimeMain.create();
        GracefulShutdown.onSigterm(main);
        try {
            return main.run(new String[0]);
        } catch (Exception refused) {
            // Marked done, Camel's JVM shutdown hook stays quiet when the exit follows: it would log "JVM shutdown hook
            // triggered by SIGTERM" after the line naming a refused setting, though no signal was sent
            main.completed();
            throw refused;
        }
    }
}
