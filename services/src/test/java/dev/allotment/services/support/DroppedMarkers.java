package dev.allotment.services.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The transactions whose markers a Kafka broker gave up on, read from its log. The transaction coordinator skips the
 * markers of every partition it finds no leader for, taking it for deleted, and then records the transaction complete:
 * after a single node's crash its partitions are leaderless for a moment (the old session fenced before the new one
 * is let in), and a commit or abort the coordinator had accepted before the crash, with its markers not yet written,
 * ends without them: its records stay open on every partition until a later marker of the same producer ends them,
 * with that marker's outcome (docs/upstream/kafka-transaction-split-after-broker-kill.md; Apache's KAFKA-20734). Where
 * the markers were written before the crash, the drop is of their resending, and harmless. The broker logs one line
 * each time, at INFO, which is what this finds.
 */
public final class DroppedMarkers {
    static final String SIGN = "these partitions are likely deleted already";
    private static final Pattern LINE = Pattern.compile(
        "^\\[([^\\]]+)\\].*Couldn't find leader endpoint for partitions \\S+?\\((.*)\\) while trying to send transaction markers for (\\S+), "
            + Pattern.quote(SIGN));

    /** One transaction's dropped markers: when, whose, on which partitions (as the broker names them). */
    public record Drop(String at, String transactionalId, String partitions) {
        @Override
        public String toString() {
            return transactionalId + " at " + at + " on " + partitions;
        }
    }

    private DroppedMarkers() {
    }

    /**
     * Every drop in the broker's log files in {@code logs}, oldest file first: the rolled files by their index (log4j's
     * default, the higher the newer), then {@code broker.log}.
     */
    public static List<Drop> in(Path logs) throws IOException {
        List<Drop> drops = new ArrayList<>();
        if (!Files.isDirectory(logs)) {
            return drops;
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(logs)) {
            files = list.filter(f -> f.getFileName().toString().startsWith("broker.log"))
                .sorted(Comparator.comparingInt(DroppedMarkers::age))
                .toList();
        }
        for (Path file : files) {
            try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
                lines.filter(l -> l.contains(SIGN)).map(DroppedMarkers::parse).forEach(drops::add);
            }
        }
        return drops;
    }

    /** {@code broker.log.N}: N; {@code broker.log} itself comes after every rolled file. */
    private static int age(Path file) {
        String name = file.getFileName().toString();
        String index = name.substring("broker.log".length());
        return index.startsWith(".") && index.substring(1).chars().allMatch(Character::isDigit) && index.length() > 1
            ? Integer.parseInt(index.substring(1)) : Integer.MAX_VALUE;
    }

    static Drop parse(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.find()) {
            return new Drop("?", "?", line);
        }
        return new Drop(m.group(1), m.group(3), m.group(2));
    }
}
