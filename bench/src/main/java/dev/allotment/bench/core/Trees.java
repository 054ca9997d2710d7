package dev.allotment.bench.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A benchmark's scratch directories, removed after its run. */
public final class Trees {
    private Trees() {}

    /**
     * Removes {@code dir} and everything under it, as far as it can; nothing when it is not there. A benchmark's
     * clean-up never fails its run: what could not be removed is said on stderr.
     */
    public static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + dir + ": " + e);
        }
        if (Files.exists(dir)) {
            System.err.println("could not delete all of " + dir);
        }
    }
}
