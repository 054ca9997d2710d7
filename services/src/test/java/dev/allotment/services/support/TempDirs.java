package dev.allotment.services.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The test JVM's temporary directories, removed when it exits: an engine's state directory holds a few hundred MiB of
 * RocksDB files, and the suites that start engines in processes of their own left theirs behind on every run (tens of
 * GiB in a developer's {@code /tmp} after a few dozen runs). A test that needs its directory gone sooner (an engine
 * started again on a fresh one) removes it itself with {@link #removeTree}.
 */
public final class TempDirs {
    private static final List<Path> MADE = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TempDirs::removeAll, "temp-dirs-removal"));
    }

    private TempDirs() {}

    /** A new directory under the system's temporary directory, removed with everything in it when the JVM exits. */
    public static Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            MADE.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code dir} is one {@link #create} made, so one the exit removes. */
    static boolean madeHere(Path dir) {
        return MADE.contains(dir);
    }

    /** Every directory {@link #create} made, removed: at exit (directories other tests of this JVM still use). */
    private static void removeAll() {
        for (Path dir : MADE) {
            try {
                removeTree(dir);
            } catch (UncheckedIOException e) {
                System.err.println("left " + dir + ": " + e.getMessage());
            }
        }
    }

    /** Removes {@code dir} and everything under it; nothing when it is not there. */
    public static void removeTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
