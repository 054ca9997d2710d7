package dev.allotment.services.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.TaskCorruptedException;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GlobalStateRecoveryTest {
    @TempDir
    Path stateDir;

    @Test
    void onlyACorruptedGlobalTaskIsRecoveredByAWipe() {
        TaskCorruptedException global = new TaskCorruptedException(Set.of(GlobalStateRecovery.GLOBAL_TASK),
            new ProcessorStateException("State store stock-view didn't find a valid state"));
        assertTrue(GlobalStateRecovery.corruptedGlobalStore(new StreamsException(global)), "as KafkaStreams.start throws it");
        assertTrue(GlobalStateRecovery.corruptedGlobalStore(global));
        assertFalse(GlobalStateRecovery.corruptedGlobalStore(new TaskCorruptedException(Set.of(new TaskId(2, 1)))),
            "a stream task's corruption is Kafka Streams' own to handle");
        assertFalse(GlobalStateRecovery.corruptedGlobalStore(new IllegalStateException("cannot reach the broker")));
    }

    @Test
    void theWipeTakesTheGlobalDirectoryAndLeavesTheTasks() throws Exception {
        Path global = Files.createDirectories(stateDir.resolve("app").resolve("global").resolve("rocksdb").resolve("stock-view"));
        Files.writeString(global.resolve("CURRENT"), "x");
        Path task = Files.createDirectories(stateDir.resolve("app").resolve("2_1"));
        Files.writeString(task.resolve(".checkpoint"), "y");

        GlobalStateRecovery.wipe(stateDir, "app");

        assertFalse(Files.exists(stateDir.resolve("app").resolve("global")));
        assertTrue(Files.exists(task.resolve(".checkpoint")));
        GlobalStateRecovery.wipe(stateDir, "app");   // nothing there: nothing to do
    }
}
