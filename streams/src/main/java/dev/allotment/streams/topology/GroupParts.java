package dev.allotment.streams.topology;

import dev.allotment.events.Command;
import dev.allotment.events.CommandGroup;
import dev.allotment.events.GroupDecision;
import dev.allotment.events.GroupMember;
import dev.allotment.events.GroupState;
import dev.allotment.events.PartVote;
import dev.allotment.events.PreparedPart;
import dev.allotment.streams.allocation.CommandGroups;
import dev.allotment.streams.allocation.Decisions;
import dev.allotment.streams.allocation.Refusal;
import dev.allotment.streams.allocation.SkuDesk;
import dev.allotment.streams.allocation.SortableDigits;
import dev.allotment.streams.state.StoreNames;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A command over several SKUs, all or nothing (issue 15 defect 9; docs/design/idempotency-and-atomic-commands.md), on
 * the SKU partitions alone. Each part is prepared on its SKU ({@link SkuDesk#prepare}: held, or refused) and votes to
 * the coordinator, the group's first SKU, over allotment.engine-commands; the coordinator ({@link CommandGroups}) commits
 * every part once all said yes, or aborts every part at the first no or at the deadline; each part then applies or lets
 * go. Every step is one record in one exactly-once transaction, so a crash redoes a step, never half of one; a part
 * never decides alone. What a client sees are the parts' outcomes, kept as for any command: all accepted, or all refused.
 */
final class GroupParts {
    private static final Logger LOG = LoggerFactory.getLogger(GroupParts.class);
    /** What the SKU processor does with decisions and outcomes, as for a one-SKU command. */
    interface Desk {
        void emit(long timestamp, String sku, String causeId, String commandId, Decisions decided);

        void applied(Command command, Decisions decided);

        void refused(Command command, String code, String reason);

        boolean seen(Command command);

        void rememberGroup(GroupState group, CommandGroups.Verdict verdict);

        /** The verdict of a group decided before (and still remembered). */
        Optional<CommandGroups.Verdict> groupVerdict(String groupId);
    }

    private final ProcessorContext<Object, Object> context;
    private final SkuDesk desk;
    private final Desk processor;
    private final Deserializer<Command> commands;
    private final String topic;
    private final KeyValueStore<String, PreparedPart> prepared;
    private final KeyValueStore<String, GroupState> groups;
    private final KeyValueStore<String, String> deadlines;
    /** How long a coordinator waits for every part's vote before it aborts the group. */
    private final Duration timeout;
    /** Told after a vote or a verdict is sent: the next step of a client's command waits for its commit ({@link AnswerCommits}). */
    private final Runnable sent;

    GroupParts(ProcessorContext<Object, Object> context, SkuDesk desk, Desk processor, Deserializer<Command> commands, String topic,
               Duration timeout, Runnable sent) {
        this.context = context;
        this.desk = desk;
        this.processor = processor;
        this.commands = commands;
        this.topic = topic;
        this.prepared = context.getStateStore(StoreNames.PREPARED_PARTS);
        this.groups = context.getStateStore(StoreNames.COMMAND_GROUPS);
        this.deadlines = context.getStateStore(StoreNames.GROUP_DEADLINES);
        this.timeout = timeout;
        this.sent = sent;
    }

    /** A command (the edge's or the engine's) that belongs to a group: a part, a vote (at the coordinator) or a decision. */
    void handle(Record<byte[], byte[]> record, String sku, Command command) {
        if (command.getPayload() instanceof PartVote vote) {
            vote(record.timestamp(), command, vote);
        } else if (command.getPayload() instanceof GroupDecision decision) {
            decide(record.timestamp(), sku, command, decision);
        } else {
            prepare(record, sku, command);
        }
    }

    /**
     * Prepares a part with the parts of its group prepared before on this SKU (a command may have several parts on one
     * SKU: they are held, and applied, as one), and votes.
     */
    private void prepare(Record<byte[], byte[]> record, String sku, Command part) {
        if (processor.seen(part)) {
            return;   // decided before: refused when prepared, or its group decided
        }
        String key = setKey(part.getGroup().getGroupId(), sku);
        PreparedPart set = prepared.get(key);
        if (set != null && set.getPartIds().contains(part.getCommandId())) {
            send(record.timestamp(), part, new PartVote(true, null, null));   // sent again by the edge: holding already
            return;
        }
        List<String> ids = new ArrayList<>(set == null ? List.of() : set.getPartIds());
        List<ByteBuffer> records = new ArrayList<>(set == null ? List.of() : set.getCommands());
        List<SkuDesk.Part> parts = new ArrayList<>(set == null ? List.of() : parts(decoded(set)));
        ids.add(part.getCommandId());
        records.add(ByteBuffer.wrap(record.value()));
        parts.add(new SkuDesk.Part(part.getCommandId(), part.getOrderId(), part.getPayload()));
        if (set != null) {
            desk.release(sku, held(set), part.getIssuedAt());   // prepared again, with this part
            prepared.delete(key);
        }
        try {
            SkuDesk.Prepared p = desk.prepare(sku, parts, part.getIssuedAt());
            prepared.put(key, new PreparedPart(part.getGroup().getGroupId(), sku, ids, records, p.lines(), p.held()));
            send(record.timestamp(), part, new PartVote(true, null, null));
        } catch (Refusal refusal) {
            // this part votes no, so the group aborts: the parts prepared before it hold nothing now, and are refused
            // when the abort comes (a decision for a part that holds nothing)
            processor.refused(part, refusal.code().wire(), refusal.getMessage());
            send(record.timestamp(), part, new PartVote(false, refusal.code().wire(), refusal.getMessage()));
        }
    }

    /** At the coordinator: counts the vote; decides the group when it can. */
    private void vote(long timestamp, Command from, PartVote vote) {
        CommandGroup group = from.getGroup();
        Optional<CommandGroups.Verdict> known = processor.groupVerdict(group.getGroupId());
        if (known.isPresent()) {   // decided before (a part sent again, or voting late): tell it again
            send(timestamp, group.getCoordinator(), from, member(group, from.getCommandId()), known.get());
            return;
        }
        GroupState state = groups.get(group.getGroupId());
        if (state == null) {
            // from the wall clock as the vote is processed, not the record's time: a task that replays its input after a
            // crash (or a long restore) re-opens the group with a full deadline instead of aborting it mid-replay
            state = CommandGroups.open(group, from.getOrderId(), from.getPrincipal(),
                Instant.ofEpochMilli(context.currentSystemTimeMs()).plus(timeout));
            deadlines.put(deadlineKey(state), state.getGroupId());
        }
        Optional<CommandGroups.Verdict> verdict = CommandGroups.vote(state, from.getCommandId(), vote.getAccepted(), vote.getCode(),
            vote.getReason());
        if (verdict.isPresent()) {
            close(timestamp, state, verdict.get(), from);
        } else {
            groups.put(state.getGroupId(), state);
        }
    }

    /** Aborts the groups whose deadline has passed by {@code now} (at most {@code max}). */
    void timeOut(long now, int max) {
        List<KeyValue<String, String>> due = new ArrayList<>();
        // from "", not null: with transactional state stores, Kafka Streams 4.4.0 ignores the upper bound of
        // range(null, to) and returns every key (ExpiryScanTest)
        try (KeyValueIterator<String, String> it = deadlines.range("", SortableDigits.padded(Math.max(0, now), 19) + '\u0001')) {
            while (it.hasNext() && due.size() < max) {
                due.add(it.next());
            }
        }
        for (KeyValue<String, String> entry : due) {
            deadlines.delete(entry.key);
            GroupState state = groups.get(entry.value);
            if (state != null) {
                LOG.warn("command group {} timed out waiting for its parts' votes", state.getGroupId());
                close(now, state, CommandGroups.timedOut(state), null);
            }
        }
    }

    private void close(long timestamp, GroupState state, CommandGroups.Verdict verdict, Command from) {
        groups.delete(state.getGroupId());
        deadlines.delete(deadlineKey(state));
        processor.rememberGroup(state, verdict);
        CommandGroup group = CommandGroup.newBuilder().setGroupId(state.getGroupId()).setCoordinator(state.getCoordinator())
            .setMembers(state.getMembers().stream().map(m -> new GroupMember(m.getSku(), m.getCommandId())).toList()).build();
        Command template = Command.newBuilder().setCommandId(state.getGroupId()).setIssuedAt(Instant.ofEpochMilli(timestamp))
            .setPrincipal(state.getPrincipal()).setOrderId(state.getOrderId()).setGroup(group).setPayload(new PartVote(false, null, null))
            .build();
        for (GroupMember m : group.getMembers()) {
            send(timestamp, group.getCoordinator(), from == null ? template : from, m, verdict);
        }
    }

    /** At a part's SKU: applies what the group's parts on this SKU hold, all of them, or lets it go. */
    private void decide(long timestamp, String sku, Command decision, GroupDecision verdict) {
        if (processor.seen(decision)) {
            return;   // refused when prepared (its own vote aborted the group), or decided with the other parts here
        }
        String key = setKey(decision.getGroup().getGroupId(), sku);
        PreparedPart set = prepared.get(key);
        if (set == null || !set.getPartIds().contains(decision.getCommandId())) {
            if (!verdict.getCommit()) {
                processor.refused(decision, verdict.getCode(), verdict.getReason());   // aborted before it arrived: it never applies
            } else {
                LOG.error("command group {}: commit for part {} that holds nothing", decision.getGroup().getGroupId(),
                    decision.getCommandId());
            }
            return;
        }
        prepared.delete(key);
        List<Command> commands = decoded(set);
        Instant at = commands.get(0).getIssuedAt();
        if (verdict.getCommit()) {
            SkuDesk.Settled settled = desk.commit(sku, parts(commands), held(set), at);
            for (int i = 0; i < settled.decisions().size(); i++) {
                String id = settled.refused() == null ? commands.get(i).getCommandId() : null;
                processor.emit(timestamp, sku, id == null ? decision.getCommandId() + ":released" : id, id, settled.decisions().get(i));
            }
            for (int i = 0; i < commands.size(); i++) {
                if (settled.refused() == null) {
                    processor.applied(commands.get(i), settled.decisions().get(i));
                } else {
                    processor.refused(commands.get(i), settled.refused().code().wire(), settled.refused().getMessage());
                }
            }
        } else {
            processor.emit(timestamp, sku, decision.getCommandId() + ":aborted", null, desk.abort(sku, held(set), Instant.ofEpochMilli(timestamp)));
            commands.forEach(c -> processor.refused(c, verdict.getCode(), verdict.getReason()));
        }
    }

    /** The commands of the parts prepared together, as they came. */
    private List<Command> decoded(PreparedPart set) {
        return set.getCommands().stream().map(b -> commands.deserialize(topic, bytes(b))).toList();
    }

    private static List<SkuDesk.Part> parts(List<Command> commands) {
        return commands.stream().map(c -> new SkuDesk.Part(c.getCommandId(), c.getOrderId(), c.getPayload())).toList();
    }

    private static SkuDesk.Prepared held(PreparedPart set) {
        return new SkuDesk.Prepared(set.getLines(), set.getHeld());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static String setKey(String groupId, String sku) {
        return groupId + '\u0000' + sku;
    }

    private void send(long timestamp, Command part, PartVote vote) {
        Command out = Command.newBuilder(part).setPayload(vote).build();
        context.forward(new Record<Object, Object>(part.getGroup().getCoordinator(), out, timestamp), NodeNames.SKU_COMMANDS);
        sent.run();
    }

    private void send(long timestamp, String coordinator, Command like, GroupMember to, CommandGroups.Verdict verdict) {
        if (to == null) {
            return;
        }
        Command out = Command.newBuilder(like).setCommandId(to.getCommandId()).setIssuedAt(Instant.ofEpochMilli(timestamp))
            .setPayload(new GroupDecision(verdict.commit(), verdict.code(), verdict.reason())).build();
        context.forward(new Record<Object, Object>(to.getSku(), out, timestamp), NodeNames.SKU_COMMANDS);
        sent.run();
        LOG.debug("command group {} ({}): {} to {}", like.getGroup().getGroupId(), coordinator, verdict.commit() ? "commit" : "abort",
            to.getCommandId());
    }

    private static GroupMember member(CommandGroup group, String commandId) {
        return group.getMembers().stream().filter(m -> m.getCommandId().equals(commandId)).findFirst().orElse(null);
    }

    private static String deadlineKey(GroupState state) {
        return SortableDigits.padded(Math.max(0, state.getDeadline().toEpochMilli()), 19) + '\u0000' + state.getGroupId();
    }
}
