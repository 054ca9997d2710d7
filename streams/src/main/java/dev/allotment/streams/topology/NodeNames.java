package dev.allotment.streams.topology;

/** Names of the topology's sinks, the children processors forward to. */
final class NodeNames {
    static final String ALLOCATION_EVENTS = "allocation-events-sink";
    static final String ORDER_PROJECTIONS = "order-projections-sink";
    static final String DEAD_LETTERS = "dead-letters-sink";
    static final String COMMANDS = "commands-sink";
    static final String STOCK_LEVELS = "stock-levels-sink";
    static final String SKU_ALLOCATION_EVENTS = "sku-allocation-events-sink";
    static final String SKU_DEAD_LETTERS = "sku-dead-letters-sink";
    static final String FOLD_DEAD_LETTERS = "fold-dead-letters-sink";
    static final String ORDER_EVENTS_HOME = "order-events-home-sink";
    static final String STOCK_EVENTS_HOME = "stock-events-home-sink";
    /** The SKU partitions' own commands: a multi-SKU command's votes and decisions. */
    static final String SKU_COMMANDS = "sku-commands-sink";

    private NodeNames() {}
}
