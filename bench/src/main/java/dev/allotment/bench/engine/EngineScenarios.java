package dev.allotment.bench.engine;

import dev.allotment.bench.Options;
import dev.allotment.bench.core.RunResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the engine scenarios share: one fresh stack (topics, registry, engine and its state) for each commit interval
 * swept, so no run sees another's orders; the engine's flight recording when asked for; and the tail of the engine's
 * log when a run fails (the stack deletes its directory on close).
 */
final class EngineScenarios {
    /** The runs of one scenario on one stack. */
    interface PerStack {
        List<RunResult> run(EngineStack stack, long commitIntervalMs) throws Exception;
    }

    private EngineScenarios() {}

    /** Runs {@code body} on a fresh stack per commit interval; {@code stackFacts} receives the last stack's description. */
    static List<RunResult> onEachStack(String scenario, Options o, Map<String, Object> stackFacts, PerStack body)
        throws Exception {
        return onEachStack(scenario, o, List.of(), stackFacts, body);
    }

    /** As above, the engine started with {@code engineJvmArgs} besides {@code --engine-config}'s. */
    static List<RunResult> onEachStack(String scenario, Options o, List<String> engineJvmArgs, Map<String, Object> stackFacts,
                                       PerStack body) throws Exception {
        List<RunResult> runs = new ArrayList<>();
        List<Long> intervals = o.commitIntervals();
        for (long ci : intervals) {
            EngineStack.Settings settings = settings(o, ci, intervals.size() > 1, engineJvmArgs);
            System.out.printf(Locale.ROOT, "%s: starting the stack (broker, registry, engine with commit interval %d ms)…%n",
                scenario, ci);
            long t0 = System.nanoTime();
            try (EngineStack stack = EngineStack.start(o.bootstrap(), o.bootstrapGiven(), settings)) {
                System.out.printf(Locale.ROOT, "%s: engine healthy after %.1f s (log %s)%n", scenario,
                    (System.nanoTime() - t0) / 1e9, stack.engineLog());
                if (settings.jfr() != null) {
                    System.out.println(scenario + ": the engine records a flight recording into " + settings.jfr().toAbsolutePath());
                }
                stackFacts.clear();
                stackFacts.putAll(stack.describe());
                try {
                    runs.addAll(body.run(stack, ci));
                } catch (Exception | Error e) {
                    System.err.println(scenario + ": failed; the engine's log ends with:\n" + EngineReady.logTail(stack, 40));
                    throw e;
                }
            }
        }
        stackFacts.remove("commit_interval_ms");
        stackFacts.put("commit_intervals_ms", intervals);
        return runs;
    }

    static EngineStack.Settings settings(Options o, long commitIntervalMs, boolean several) {
        return settings(o, commitIntervalMs, several, List.of());
    }

    static EngineStack.Settings settings(Options o, long commitIntervalMs, boolean several, List<String> engineJvmArgs) {
        EngineStack.Settings d = EngineStack.Settings.defaults();
        List<String> jvm = new ArrayList<>(d.extraJvmArgs());
        jvm.addAll(engineJvmArgs);
        jvm.addAll(o.engineConfig());
        return new EngineStack.Settings(commitIntervalMs, o.threads(), d.heap(), jvm,
            jfrFor(o.jfr(), commitIntervalMs, several));
    }

    /** The recording's file; with several commit intervals, one file each ({@code x.jfr} → {@code x-ci50.jfr}). */
    static Path jfrFor(Path jfr, long commitIntervalMs, boolean several) {
        if (jfr == null || !several) {
            return jfr;
        }
        String name = jfr.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String tagged = dot > 0 ? name.substring(0, dot) + "-ci" + commitIntervalMs + name.substring(dot)
            : name + "-ci" + commitIntervalMs;
        return jfr.resolveSibling(tagged);
    }

    /** The tags every engine run carries: its shape and its commit interval. */
    static Map<String, Object> tags(String shape, long commitIntervalMs) {
        Map<String, Object> tags = new LinkedHashMap<>();
        tags.put("shape", shape);
        tags.put("commit_interval_ms", commitIntervalMs);
        return tags;
    }
}
