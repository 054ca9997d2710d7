package dev.allotment.streams.allocation;

/** A quantity to allocate at one location. */
public record Pick(Site site, int quantity) {}
