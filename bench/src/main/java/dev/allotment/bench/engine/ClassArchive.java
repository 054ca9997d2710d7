package dev.allotment.bench.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The engine's class-data-sharing archive, as {@code ./allotment} ships it ({@code engine_cds} there keeps the same
 * rule): an archive newer than the engine's jar is mapped at start ({@code -XX:SharedArchiveFile}); without one, the
 * engine this runner starts writes it when it stops ({@code -XX:ArchiveClassesAtExit}), and the others started while
 * that one runs start without (two JVMs must not write one file; a writer killed writes nothing, and the next start
 * writes). So a restore or a restart is timed as a deployment that ships its archive starts. An engine that records a
 * flight recording ({@code --jfr}) never writes it: the JVM turns JFR off in a process that dumps classes at exit
 * ("JFR will be disabled during CDS dumping"), so the first recorded run after a rebuild wrote no recording and, running
 * without JFR's cost, measured less CPU than the recorded runs beside it.
 */
final class ClassArchive {
    /** What the JVM says of an archive is left out of the engine's log: an unusable one only costs start-up time. */
    static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    private final Path archive;
    /** The engine process writing the archive at its exit, if one is. */
    private Process writer;

    ClassArchive(Path engineJar) {
        this.archive = engineJar.resolveSibling(baseName(engineJar.getFileName().toString()) + ".jsa");
    }

    Path path() {
        return archive;
    }

    /**
     * The JVM options for one engine's start: map the archive when it is newer than {@code jar}; else write it at exit,
     * unless another engine is writing it or this one records a flight recording ({@code recording}, or
     * {@code -XX:StartFlightRecording} among {@code extraJvmArgs}); else none. {@code extraJvmArgs} naming an archive
     * or {@code -Xshare:off} decide for themselves. {@link #launched} tells it which process got them.
     */
    synchronized List<String> options(Path jar, List<String> extraJvmArgs, boolean recording) throws IOException {
        if (extraJvmArgs.stream().anyMatch(o -> o.equals("-Xshare:off") || o.startsWith("-XX:SharedArchiveFile=")
                || o.startsWith("-XX:ArchiveClassesAtExit="))) {
            return List.of();
        }
        if (Files.isRegularFile(archive)
                && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0) {
            return with("-XX:SharedArchiveFile=" + archive.toAbsolutePath());
        }
        boolean records = recording || extraJvmArgs.stream().anyMatch(o -> o.startsWith("-XX:StartFlightRecording"));
        if (!records && (writer == null || !writer.isAlive())) {
            Files.deleteIfExists(archive);
            return with("-XX:ArchiveClassesAtExit=" + archive.toAbsolutePath());
        }
        return List.of();
    }

    /** The engine started with {@code options}: the writer, when they write the archive. */
    synchronized void launched(Process process, List<String> options) {
        if (options.stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit="))) {
            writer = process;
        }
    }

    private static List<String> with(String option) {
        return List.of(option, QUIET.get(0), QUIET.get(1));
    }

    private static String baseName(String file) {
        int dot = file.lastIndexOf('.');
        return dot < 0 ? file : file.substring(0, dot);
    }
}
