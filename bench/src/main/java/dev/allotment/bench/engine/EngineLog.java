package dev.allotment.bench.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the engine's log says about a start: when Kafka Streams was started, and what Kafka Streams restored (its
 * {@code StoreChangelogReader} logs each changelog it finished, with the records it read, when that logger is at INFO).
 * Lines start with the time of day ({@code HH:mm:ss.SSS}, logback.xml's pattern).
 */
public final class EngineLog {
    /** StreamsRuntime's line once {@code KafkaStreams.start()} has returned. */
    static final String STREAMS_STARTED = "Kafka Streams ";
    static final String STREAMS_STARTED_TAIL = " started against ";
    private static final Pattern FINISHED = Pattern.compile(
        "Finished restoring changelog (\\S+) to store (\\S+) with a total number of (\\d+) records");

    /** One changelog partition restored: its name, its store, the records read, and when (time of day of the line). */
    public record Restored(String changelogPartition, String store, long records, LocalTime at) {}

    private final List<String> lines;

    EngineLog(List<String> lines) {
        this.lines = lines;
    }

    public static EngineLog read(Path log) throws IOException {
        return new EngineLog(Files.exists(log) ? Files.readAllLines(log) : List.of());
    }

    /** The time of day at the start of a log line, or null when the line does not start with one. */
    static LocalTime timeOf(String line) {
        if (line.length() < 12) {
            return null;
        }
        try {
            return LocalTime.parse(line.substring(0, 12));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** When the log says Kafka Streams was started (the last such line), or null. */
    public LocalTime streamsStarted() {
        LocalTime at = null;
        for (String line : lines) {
            if (line.contains(STREAMS_STARTED) && line.contains(STREAMS_STARTED_TAIL)) {
                at = timeOf(line);
            }
        }
        return at;
    }

    /** Every changelog partition the log says was restored. */
    public List<Restored> restored() {
        List<Restored> restored = new ArrayList<>();
        for (String line : lines) {
            Matcher m = FINISHED.matcher(line);
            if (m.find()) {
                restored.add(new Restored(m.group(1), m.group(2), Long.parseLong(m.group(3)), timeOf(line)));
            }
        }
        return restored;
    }

    /** Seconds from {@code start} to a time of day logged after it on this machine (the next day when it reads earlier). */
    static double secondsAfter(Instant start, LocalTime logged, ZoneId zone) {
        Instant at = LocalDate.ofInstant(start, zone).atTime(logged).atZone(zone).toInstant();
        if (at.isBefore(start.minusSeconds(1))) {
            at = at.plusSeconds(86_400);
        }
        return (at.toEpochMilli() - start.toEpochMilli()) / 1000.0;
    }
}
