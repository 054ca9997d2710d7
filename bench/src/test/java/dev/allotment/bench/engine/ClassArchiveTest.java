package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's class archive as ./allotment uses it: mapped when newer than the jar, else written by one engine at a time. */
class ClassArchiveTest {
    @TempDir
    Path dir;

    @Test
    void withoutAnArchiveTheFirstEngineWritesItAndOthersStartWithoutOneWhileItRuns() throws Exception {
        Path jar = jar();
        ClassArchive classes = new ClassArchive(jar);
        assertEquals(dir.resolve("allotment-services.jsa"), classes.path());

        List<String> first = classes.options(jar, List.of(), false);
        assertEquals(List.of("-XX:ArchiveClassesAtExit=" + classes.path().toAbsolutePath(), "-Xlog:cds=off",
            "-Xlog:cds+dynamic=off"), first);
        FakeProcess writer = new FakeProcess();
        classes.launched(writer, first);
        assertEquals(List.of(), classes.options(jar, List.of(), false), "a second JVM must not write the same file");

        writer.alive = false;   // killed before it wrote anything: the next start writes
        assertTrue(classes.options(jar, List.of(), false).get(0).startsWith("-XX:ArchiveClassesAtExit="));
    }

    @Test
    void anArchiveNewerThanTheJarIsMappedAndAnOlderOneWrittenAgain() throws Exception {
        Path jar = jar();
        ClassArchive classes = new ClassArchive(jar);
        Files.writeString(classes.path(), "archive");
        Files.setLastModifiedTime(classes.path(), FileTime.from(Instant.parse("2026-12-06T10:00:01Z")));
        assertEquals("-XX:SharedArchiveFile=" + classes.path().toAbsolutePath(), classes.options(jar, List.of(), false).get(0));

        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-12-06T11:00:00Z")));   // the engine rebuilt since
        List<String> stale = classes.options(jar, List.of(), false);
        assertTrue(stale.get(0).startsWith("-XX:ArchiveClassesAtExit="), stale.toString());
        assertFalse(Files.exists(classes.path()), "the JVM writes the archive anew; an old file is deleted first");
    }

    @Test
    void optionsThatDecideSharingThemselvesAreLeftAlone() throws Exception {
        Path jar = jar();
        ClassArchive classes = new ClassArchive(jar);
        assertEquals(List.of(), classes.options(jar, List.of("-Xshare:off"), false));
        assertEquals(List.of(), classes.options(jar, List.of("-XX:SharedArchiveFile=/elsewhere.jsa"), false));
        assertEquals(List.of(), classes.options(jar, List.of("-XX:ArchiveClassesAtExit=/elsewhere.jsa"), false));
    }

    @Test
    void anEngineThatRecordsMapsAFreshArchiveButNeverWritesOne() throws Exception {
        Path jar = jar();
        ClassArchive classes = new ClassArchive(jar);
        assertEquals(List.of(), classes.options(jar, List.of(), true),
            "the JVM turns JFR off while it dumps classes at exit: a recording engine must not be the archive's writer");
        assertEquals(List.of(), classes.options(jar, List.of("-XX:StartFlightRecording=filename=x.jfr,settings=default"),
            false), "nor one recording by a JVM option of its own (--engine-jvm)");
        assertTrue(classes.options(jar, List.of(), false).get(0).startsWith("-XX:ArchiveClassesAtExit="),
            "the next engine that does not record writes it");

        Files.writeString(classes.path(), "archive");
        Files.setLastModifiedTime(classes.path(), FileTime.from(Instant.parse("2026-12-06T10:00:01Z")));
        assertEquals("-XX:SharedArchiveFile=" + classes.path().toAbsolutePath(), classes.options(jar, List.of(), true).get(0),
            "mapping an archive does not stop a recording");
    }

    private Path jar() throws Exception {
        Path jar = dir.resolve("allotment-services.jar");
        Files.writeString(jar, "jar");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-12-06T10:00:00Z")));
        return jar;
    }

    private static final class FakeProcess extends Process {
        boolean alive = true;

        @Override
        public boolean isAlive() {
            return alive;
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public int waitFor() {
            return 0;
        }

        @Override
        public int exitValue() {
            return 0;
        }

        @Override
        public void destroy() {
            alive = false;
        }
    }
}
