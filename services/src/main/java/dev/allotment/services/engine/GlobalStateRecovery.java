package dev.allotment.services.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.processor.TaskId;

/**
 * A start that failed because the global stores' local copy is unusable (KAFKA-21034: under exactly-once, a global store
 * a crash left open is refused at the next start, "didn't find a valid state", and Kafka Streams 4.3 does not wipe it
 * as it does a task's; kept on 4.4.0, as its fix, apache/kafka#23390, was still open when last looked), and the wipe that lets the next start load them from their topics again. Found by the fault
 * suite's long soak: after one of 40 SIGKILLs the engine could no longer start.
 */
final class GlobalStateRecovery {
    /** The id Kafka Streams gives the global task. */
    static final TaskId GLOBAL_TASK = new TaskId(-1, -1);

    private GlobalStateRecovery() {}

    /** Whether {@code failure} (or a cause of it) says the global task's state is corrupted. */
    static boolean corruptedGlobalStore(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TaskCorruptedException corrupted && corrupted.corruptedTasks().contains(GLOBAL_TASK)) {
                return true;
            }
        }
        return false;
    }

    /** Deletes {@code <stateDir>/<applicationId>/global}, the global stores' local copy, and nothing else. */
    static void wipe(Path stateDir, String applicationId) {
        Path global = stateDir.resolve(applicationId).resolve("global");
        if (!Files.isDirectory(global)) {
            return;
        }
        try (Stream<Path> files = Files.walk(global)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the global stores' local copy " + global, e);
        }
    }
}
