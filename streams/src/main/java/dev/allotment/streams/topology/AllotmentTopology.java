package dev.allotment.streams.topology;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderProjection;
import dev.allotment.schemas.AvroSerdes;
import dev.allotment.schemas.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The engine's topology as a function of its topics and serdes, called alike by the service and the
 * tests. Order path (one sub-topology, no repartition): order-events → orders store → allocation-events
 * and order-projections; undecodable or invalid records → dead-letters.
 */
public final class AllotmentTopology {
    private static final String ORDER_EVENTS_SOURCE = "order-events-source";
    private static final String ORDER_EVENTS_PROCESSOR = "order-events-processor";

    private AllotmentTopology() {}

    public static Topology build(Topics topics, AvroSerdes serdes) {
        Serde<OrderEvent> orderEvents = serdes.value(OrderEvent.class);
        Serde<OrderProjection> projections = serdes.value(OrderProjection.class);
        Serde<AllocationEvent> allocationEvents = serdes.value(AllocationEvent.class);
        StoreBuilder<KeyValueStore<String, OrderProjection>> orders = Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.ORDERS), Serdes.String(), projections);

        Topology topology = new Topology();
        topology.addSource(ORDER_EVENTS_SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(),
            topics.orderEvents());
        topology.addProcessor(ORDER_EVENTS_PROCESSOR, new OrderEventProcessor(orderEvents.deserializer()),
            ORDER_EVENTS_SOURCE);
        topology.addStateStore(orders, ORDER_EVENTS_PROCESSOR);
        topology.addSink(NodeNames.ALLOCATION_EVENTS, topics.allocationEvents(), Serdes.String().serializer(),
            allocationEvents.serializer(), ORDER_EVENTS_PROCESSOR);
        topology.addSink(NodeNames.ORDER_PROJECTIONS, topics.orderProjections(), Serdes.String().serializer(),
            projections.serializer(), ORDER_EVENTS_PROCESSOR);
        topology.addSink(NodeNames.DEAD_LETTERS, topics.deadLetters(), Serdes.ByteArray().serializer(),
            Serdes.ByteArray().serializer(), ORDER_EVENTS_PROCESSOR);
        return topology;
    }
}
