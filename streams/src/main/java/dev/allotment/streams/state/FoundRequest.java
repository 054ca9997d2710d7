package dev.allotment.streams.state;

import dev.allotment.events.AllocationProjection;
import dev.allotment.events.OrderProjection;

/** An allocation request (the direct-then-confirm flow) and the order it belongs to, as the order's projection holds them. */
public record FoundRequest(OrderProjection order, AllocationProjection request) {}
