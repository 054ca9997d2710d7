package dev.allotment.streams.topology;

/** Names of the topology's sinks, the children processors forward to. */
final class NodeNames {
    static final String ALLOCATION_EVENTS = "allocation-events-sink";
    static final String ORDER_PROJECTIONS = "order-projections-sink";
    static final String DEAD_LETTERS = "dead-letters-sink";

    private NodeNames() {}
}
