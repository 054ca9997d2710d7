package dev.allotment.schemas;

/**
 * The addresses of one schema registry: its base URL as users give it, and the two APIs the engine
 * uses on it (the Confluent-compatible API, which the engine uses for registration and lookups, and Apicurio's v2 API).
 */
public record RegistryUrls(String base) {
    public RegistryUrls {
        if (base == null || base.isBlank()) {
            throw new IllegalArgumentException("schema registry URL is required");
        }
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    }

    /** Apicurio's own API (the engine does not use it; kept for tools that speak it). */
    public String apicurioV2() { return base + "/apis/registry/v2"; }

    public String confluentCompatible() { return base + "/apis/ccompat/v7"; }
}
