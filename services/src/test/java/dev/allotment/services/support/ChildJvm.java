package dev.allotment.services.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** What the tests' child JVMs (broker, registry, packaged engine) share: the java binary, the project's files, stopping. */
public final class ChildJvm {
    private ChildJvm() {}

    /** The java binary of the running JVM. */
    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A file of the project, looked up from the working directory upwards (failsafe runs in services/). */
    public static Path findUp(String relative, String howToBuild) {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + relative + " above " + Path.of("").toAbsolutePath() + ": " + howToBuild);
    }

    /** SIGKILL, and wait until the process is gone. */
    public static void kill(Process process) throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor();
        }
    }

    /** SIGTERM, then SIGKILL when it has not exited within {@code seconds}. */
    public static void stop(Process process, int seconds) throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /**
     * Waits until {@code ready} holds; fails when {@code process} exits first or {@code bound} passes, naming {@code what}
     * and where its {@code log} is.
     */
    public static void await(Process process, BooleanSupplier ready, Duration bound, String what, Path log)
        throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!ready.getAsBoolean()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(what + " exited; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " was not ready within " + bound.toSeconds() + " s; see " + log);
            }
            Thread.sleep(100);
        }
    }

    /** Kills {@code process} when the test JVM exits, so that no child outlives the tests. */
    public static Process owned(Process process) {
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        return process;
    }
}
