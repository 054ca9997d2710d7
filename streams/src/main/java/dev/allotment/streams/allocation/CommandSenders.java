package dev.allotment.streams.allocation;

import dev.allotment.events.AllocateLines;
import dev.allotment.events.CancelLine;
import dev.allotment.events.ChangeLineQuantity;
import dev.allotment.events.ConfirmAllocationRequest;
import dev.allotment.events.DeleteAllocations;
import dev.allotment.events.GroupDecision;
import dev.allotment.events.MarkRequestSendFailed;
import dev.allotment.events.MarkRequestSent;
import dev.allotment.events.PartVote;
import dev.allotment.events.RecordAnswer;
import dev.allotment.events.RejectAllocationRequest;
import dev.allotment.events.ReleaseOrder;
import dev.allotment.events.ReserveLine;
import dev.allotment.events.ReserveLines;
import dev.allotment.events.ShardGrant;
import dev.allotment.events.ShardLevel;
import dev.allotment.events.ShardRecall;
import dev.allotment.events.ShardReturn;
import dev.allotment.events.ShardWant;
import dev.allotment.events.SupplierAnswer;
import dev.allotment.events.UpdateAllocation;
import java.util.Set;

/**
 * Who may send each command payload. A platform's commands (the REST edge's, its webhook sender's, or a platform's on
 * Kafka) go through the rules an order or a REST call is held to; the engine's own carry what those rules already
 * decided (an order's lines, a command group's votes and decisions, a sharded SKU's transfers) and are applied as they
 * come, so they are taken only from the engine's own topic (allotment.engine-commands). Every payload of the
 * {@code Command} union is in exactly one of the two sets (CommandSendersTest): a new payload must be placed in one.
 */
public final class CommandSenders {
    /** The payloads a platform may send: what the edge builds from REST calls, and the webhook sender's reports. */
    public static final Set<Class<?>> PLATFORM = Set.of(AllocateLines.class, UpdateAllocation.class, DeleteAllocations.class,
        ConfirmAllocationRequest.class, RejectAllocationRequest.class, SupplierAnswer.class, MarkRequestSent.class,
        MarkRequestSendFailed.class, RecordAnswer.class);
    /** The payloads only the engine sends: applied without the order's or the edge's checks. */
    public static final Set<Class<?>> ENGINE = Set.of(ReserveLine.class, ReserveLines.class, ReleaseOrder.class,
        ChangeLineQuantity.class, CancelLine.class, PartVote.class, GroupDecision.class, ShardGrant.class, ShardWant.class,
        ShardRecall.class, ShardReturn.class, ShardLevel.class);

    private CommandSenders() {}

    /** Whether only the engine may send {@code payload}; false for null (a record without one is refused elsewhere). */
    public static boolean engineOnly(Object payload) {
        return payload != null && ENGINE.contains(payload.getClass());
    }
}
