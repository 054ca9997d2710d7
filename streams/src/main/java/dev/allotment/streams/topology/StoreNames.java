package dev.allotment.streams.topology;

/** Names of the engine's state stores (their changelogs are {@code <application.id>-<name>-changelog}). */
public final class StoreNames {
    /** Orders by order id: each order's reservation and allocation projection. */
    public static final String ORDERS = "orders";

    private StoreNames() {}
}
