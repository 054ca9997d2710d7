package dev.allotment.schemas;

/** One topic the engine owns: its name, partition count and cleanup policy. */
public record TopicSpec(String name, int partitions, boolean compacted) {}
