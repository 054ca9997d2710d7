package dev.allotment.services.support;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TempDirsTest {
    @Test
    void aDirectoryMadeHereIsKeptForRemovalAtExitAndRemovedWithEverythingInIt() throws Exception {
        Path dir = TempDirs.create("temp-dirs-test");
        Path nested = Files.createDirectories(dir.resolve("state/0_1/rocksdb"));
        Files.writeString(nested.resolve("000001.sst"), "bytes");
        assertTrue(dir.startsWith(Path.of(System.getProperty("java.io.tmpdir"))), "under the temporary directory");

        assertTrue(TempDirs.madeHere(dir), "one the exit removes");

        TempDirs.removeTree(dir); // what the exit does with each

        assertFalse(Files.exists(dir), "removed with everything under it");
        TempDirs.removeTree(dir); // gone already: nothing to do, no error
    }
}
