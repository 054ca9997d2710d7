package dev.allotment.bench.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the numbers were measured on, from /proc/cpuinfo and /proc/meminfo (Linux) and the JVM. */
public final class Machine {
    private Machine() {}

    public static Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<String> cpu = lines(Path.of("/proc/cpuinfo"));
        m.put("cpu_model", cpu.stream().filter(l -> l.startsWith("model name")).findFirst()
            .map(Machine::value).orElse(System.getProperty("os.arch")));
        m.put("logical_cpus", cpu.stream().filter(l -> l.startsWith("processor")).count());
        m.put("available_processors", Runtime.getRuntime().availableProcessors());
        lines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal")).findFirst()
            .ifPresent(l -> m.put("memory_total_mib", Long.parseLong(value(l).replaceAll("[^0-9]", "")) / 1024));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("max_heap_mib", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        return m;
    }

    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1).trim();
    }

    private static List<String> lines(Path path) {
        try {
            return Files.readAllLines(path);
        } catch (IOException e) {
            return List.of();
        }
    }
}
