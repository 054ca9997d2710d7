package dev.allotment.bench.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a class of this runner's classpath in a JVM of its own (the broker, ProducerPerformance). */
final class JavaChild {
    private JavaChild() {}

    static ProcessBuilder builder(List<String> jvmArgs, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-Duser.language=en");  // the tools format numbers with the default locale; parse them in one
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return new ProcessBuilder(command);
    }
}
