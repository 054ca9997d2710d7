package dev.allotment.streams.state;

/** Names of the engine's state stores (their changelogs are {@code <application.id>-<name>-changelog}). */
public final class StoreNames {
    /** Orders by order id: each order's reservation and allocation projection. */
    public static final String ORDERS = "orders";
    /**
     * (order id, offset) to the event: every order's decision history, in log order; a completed or cancelled order's is
     * forgotten after the order history retention, when one is set.
     */
    public static final String ORDER_HISTORY = "order-history";
    /**
     * When each completed or cancelled order's history is forgotten, sorted by that time, and each such order's entry by
     * its id (see HistoryExpiryKeys); empty unless a retention of order history is set.
     */
    public static final String ORDER_HISTORY_EXPIRY = "order-history-expiry";
    /** Allocation request id to its order id, on the order's partition: how a request is found by its id alone. */
    public static final String ALLOCATION_REQUESTS = "allocation-requests";
    /**
     * Secondary indexes of the orders, on their partitions: allocation requests by status and by location and status,
     * orders by the locations of their allocations (see IndexKeys). Lists read them, never every order.
     */
    public static final String ORDER_INDEX = "order-index";
    /** SKU to its stock at every location. */
    public static final String SKU_STOCK = "sku-stock";
    /** Secondary index of the stock, on the SKUs' partitions: SKUs by location (see IndexKeys). */
    public static final String STOCK_INDEX = "stock-index";
    /** (SKU, order id, line id) to the line's reservation and allocations, beside the SKU's stock. */
    public static final String LINE_RESERVATIONS = "line-reservations";
    /** The queue of lines waiting for stock, per SKU, in service order (see BookKeys). */
    public static final String WAITING = "waiting-lines";
    /** (expiry time, SKU, order id, line id, allocation id): when each allocation request part times out (see RequestExpiry). */
    public static final String REQUEST_EXPIRY = "request-expiry";
    /** Command id to its first outcome, on the partition that decided it. */
    public static final String COMMAND_OUTCOMES = "command-outcomes";
    /** (time it is forgotten, command id): when each command outcome's retention ends, sorted by that time. */
    public static final String COMMAND_OUTCOME_EXPIRY = "command-outcome-expiry";
    /** (SKU, order id, line id) to the part of a multi-SKU command holding the line until its group is decided. */
    public static final String LINE_HOLDS = "line-holds";
    /** (SKU, hold id) to a cart hold (POST /holds) while it holds stock, beside the SKU's stock. */
    public static final String CART_HOLDS = "cart-holds";
    /** (expiry time, SKU, hold id): when each cart hold is released, sorted by that time. */
    public static final String CART_HOLD_EXPIRY = "cart-hold-expiry";
    /** A multi-SKU command's part id to what it holds while prepared, on its SKU's partition. */
    public static final String PREPARED_PARTS = "prepared-parts";
    /** Group id to a multi-SKU command's votes, on its coordinator SKU's partition, while undecided. */
    public static final String COMMAND_GROUPS = "command-groups";
    /** (deadline, group id): when each undecided group is aborted, sorted by that time. */
    public static final String GROUP_DEADLINES = "group-deadlines";
    /** Global: locations and channel routing, from allotment.location-events. */
    public static final String LOCATIONS = "locations";
    /** Global: every (SKU, location) stock level, from allotment.stock-levels; a possibly stale view for order-wide choices. */
    public static final String STOCK_VIEW = "stock-view";

    private StoreNames() {}
}
