package dev.allotment.schemas;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.Command;
import dev.allotment.events.LocationEvent;
import dev.allotment.events.OrderEvent;
import dev.allotment.events.OrderProjection;
import dev.allotment.events.StockEvent;
import dev.allotment.events.StockLevel;
import dev.allotment.events.StockLevelKey;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/** Which schema each public topic carries, under the topic-name strategy ({@code <topic>-value}, {@code <topic>-key}). */
public final class SchemaCatalog {
    private SchemaCatalog() {}

    /** Subject name to schema, for every subject of the engine's public topics, in registration order. */
    public static Map<String, Schema> subjects(Topics topics) {
        Map<String, Schema> subjects = new LinkedHashMap<>();
        subjects.put(topics.orderEvents() + "-value", OrderEvent.getClassSchema());
        subjects.put(topics.stockEvents() + "-value", StockEvent.getClassSchema());
        subjects.put(topics.locationEvents() + "-value", LocationEvent.getClassSchema());
        subjects.put(topics.commands() + "-value", Command.getClassSchema());
        subjects.put(topics.engineCommands() + "-value", Command.getClassSchema());
        subjects.put(topics.allocationEvents() + "-value", AllocationEvent.getClassSchema());
        subjects.put(topics.orderProjections() + "-value", OrderProjection.getClassSchema());
        subjects.put(topics.stockLevels() + "-key", StockLevelKey.getClassSchema());
        subjects.put(topics.stockLevels() + "-value", StockLevel.getClassSchema());
        return subjects;
    }
}
