package dev.allotment.bench.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreesTest {
    @Test
    void removesADirectoryWithEverythingUnderItAndLeavesItsNeighbours(@TempDir Path root) throws Exception {
        Path dir = root.resolve("run");
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/b/c.log"), "x");
        Files.writeString(dir.resolve("top"), "y");
        Files.writeString(root.resolve("neighbour"), "z");

        Trees.deleteQuietly(dir);

        assertFalse(Files.exists(dir));
        assertTrue(Files.exists(root.resolve("neighbour")));
    }

    @Test
    void aDirectoryThatIsNotThereIsNothingToDo(@TempDir Path root) {
        Trees.deleteQuietly(root.resolve("absent"));
        assertTrue(Files.isDirectory(root));
    }
}
