package dev.allotment.streams.allocation;

/** A location as allocation sees it: whether it answers at once (DIRECT) and whether it shares its stock. */
public record Site(String id, boolean direct, boolean tracksStock) {}
