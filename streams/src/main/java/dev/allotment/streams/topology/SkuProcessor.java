package dev.allotment.streams.topology;

import dev.allotment.events.AllocationEvent;
import dev.allotment.events.Command;
import dev.allotment.events.CommandOutcome;
import dev.allotment.events.CommandRejected;
import dev.allotment.events.GroupState;
import dev.allotment.events.HoldPlaced;
import dev.allotment.events.HoldReleased;
import dev.allotment.events.IncomingSet;
import dev.allotment.events.LocationStock;
import dev.allotment.events.LineToReserve;
import dev.allotment.events.RecordAnswer;
import dev.allotment.events.ReserveLines;
import dev.allotment.events.ShardLevel;
import dev.allotment.events.SkuStock;
import dev.allotment.events.StockAdjusted;
import dev.allotment.events.StockEvent;
import dev.allotment.events.StockLevel;
import dev.allotment.events.StockLevelKey;
import dev.allotment.events.StockSet;
import dev.allotment.schemas.DecisionHeaders;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.allocation.CommandGroups;
import dev.allotment.streams.allocation.CommandSenders;
import dev.allotment.streams.allocation.CommandsFence;
import dev.allotment.streams.allocation.DecisionEvents;
import dev.allotment.streams.allocation.Decisions;
import dev.allotment.streams.allocation.Refusal;
import dev.allotment.streams.allocation.RefusalCode;
import dev.allotment.streams.allocation.ShardPlan;
import dev.allotment.streams.allocation.ShardTotals;
import dev.allotment.streams.allocation.Site;
import dev.allotment.streams.allocation.SkuBook;
import dev.allotment.streams.allocation.SkuDesk;
import dev.allotment.streams.allocation.TableSkuBook;
import dev.allotment.streams.state.IndexKeys;
import dev.allotment.streams.state.StoreChanges;
import dev.allotment.streams.state.StoreNames;
import dev.allotment.streams.support.DeadLetterSink;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntToLongFunction;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SKU partition: applies allotment.commands (the edge's), allotment.engine-commands (the engine's own: an order's
 * lines, a group's votes, a shard's messages) and allotment.stock-events, all keyed by SKU, through
 * {@link SkuDesk} on the SKU's stores, and forwards what was decided: decision events (by order id),
 * stock levels, dead letters. A command id seen before is answered from its stored outcome and changes nothing. A hot
 * SKU's shards ({@link ShardPlan}) each have their key here; the shard protocol's messages travel between them as
 * commands ({@link ShardCourier}). The engine's own payloads ({@link CommandSenders#ENGINE}) are taken from
 * allotment.engine-commands only: on allotment.commands, past where an older release left its own
 * ({@link CommandsFence}), one is a dead letter and changes nothing.
 */
record SkuProcessor(Topics topics, Deserializer<Command> commands, Deserializer<StockEvent> stockEvents,
                    LocationChanges locationChanges, StoreChanges changes, HomePartitions homes, Duration outcomeRetention,
                    Duration groupTimeout, ShardPlan shards, Duration answerCommitGap, IntToLongFunction commandsEnds)
    implements ProcessorSupplier<byte[], byte[], Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(SkuProcessor.class);
    /** How often due allocation requests are looked for. */
    static final Duration EXPIRY_INTERVAL = Duration.ofSeconds(1);
    /** How many expiry index entries one punctuation handles (the rest wait for the next). */
    static final int EXPIRY_BATCH = 1_000;
    /** How often command outcomes past their retention are forgotten, and how many at most each time. */
    static final Duration OUTCOME_SWEEP_INTERVAL = Duration.ofMinutes(1);
    static final int OUTCOME_SWEEP_BATCH = 10_000;
    @Override
    public Processor<byte[], byte[], Object, Object> get() {
        return new Desk();
    }

    private final class Desk implements Processor<byte[], byte[], Object, Object> {
        private ProcessorContext<Object, Object> context;
        private SkuBook book;
        private CommandOutcomes outcomes;
        /** The time of the record in hand: a command outcome's retention counts from it (the producer's or broker's clock). */
        private long recordTime;
        private GlobalLocations locations;
        private SkuDesk desk;
        private DeadLetterSink deadLetters;
        private long expirySequence;
        private GroupParts groups;
        /** The locations whose stock level changed since the last commit, per SKU: published when the task commits. */
        private final Map<String, Set<String>> levelsDue = new LinkedHashMap<>();
        private CommitForwarder forwarder;
        private ShardCourier courier;
        private CommandsFence fence;

        @Override
        public void init(ProcessorContext<Object, Object> context) {
            this.context = context;
            KeyValueStore<String, SkuStock> stock = context.getStateStore(StoreNames.SKU_STOCK);
            levelsDue.clear();
            this.forwarder = new CommitForwarder(context);
            CommitTimeStore.<SkuStock>onFlush(stock, new CommitTimeStore.Flushes<>() {
                @Override
                public void written(String sku, SkuStock written) {
                    publishLevels(sku, written);
                }

                @Override
                public void done() {
                    // a location marked whose SKU's stock this commit did not write: its level as it stands
                    new ArrayList<>(levelsDue.keySet()).forEach(sku -> publishLevels(sku, book.stock(sku).orElse(null)));
                }
            });
            KeyValueStore<String, String> stockIndex = context.getStateStore(StoreNames.STOCK_INDEX);
            IndexBackfill.schedule(context, stock, stockIndex, s -> StockIndex.add(stockIndex, s));
            this.fence = new CommandsFence(new StoreTable<>(stockIndex), IndexKeys.COMMANDS_FENCE,
                commandsEnds.applyAsLong(context.taskId().partition()));
            this.book = new TableSkuBook(new StockIndex(new StoreTable<>(stock), stockIndex), table(context, StoreNames.LINE_RESERVATIONS),
                table(context, StoreNames.WAITING), table(context, StoreNames.REQUEST_EXPIRY), table(context, StoreNames.LINE_HOLDS),
                table(context, StoreNames.CART_HOLDS), table(context, StoreNames.CART_HOLD_EXPIRY));
            AnswerCommits answerCommits = new AnswerCommits(context::commit, answerCommitGap, System::currentTimeMillis);
            if (answerCommits.asking()) {
                context.schedule(answerCommits.tickEvery(), PunctuationType.WALL_CLOCK_TIME, answerCommits::tick);
            }
            this.outcomes = new CommandOutcomes(context::recordMetadata, context.getStateStore(StoreNames.COMMAND_OUTCOMES),
                context.getStateStore(StoreNames.COMMAND_OUTCOME_EXPIRY), outcomeRetention, answerCommits::kept);
            Object globalStore = context.getStateStore(StoreNames.LOCATIONS);
            this.locations = new GlobalLocations(unwrap(globalStore), locationChanges);
            this.desk = new SkuDesk(book, locations, shards);
            this.courier = new ShardCourier(context, shards, homes, topics.engineCommands());
            this.groups = new GroupParts(context, desk, new GroupDesk(), commands, topics.engineCommands(), groupTimeout,
                answerCommits::kept);
            this.deadLetters = new DeadLetterSink(context, NodeNames.SKU_DEAD_LETTERS, "sku");
            // allocation requests time out by the wall clock, and by stream time when records carry later times; the
            // first wall-clock round keeps the fence of a task that has had no record yet (a partition idle across an
            // upgrade), so that a later start of the task, whose end is further on, does not fence past what it missed
            context.schedule(EXPIRY_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> {
                fence.fence();
                expire(now);
            });
            context.schedule(EXPIRY_INTERVAL, PunctuationType.STREAM_TIME, this::expire);
            context.schedule(EXPIRY_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> groups.timeOut(now, EXPIRY_BATCH));
            context.schedule(OUTCOME_SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME,
                now -> outcomes.forget(Instant.ofEpochMilli(now), OUTCOME_SWEEP_BATCH));
            if (!courier.homesHere().isEmpty()) {
                context.schedule(ShardCourier.REBALANCE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::rebalance);
            }
        }

        /** A rebalancing round at home of each sharded SKU at home here (docs/design/sku-shards.md, Liveness). */
        private void rebalance(long timestamp) {
            for (String sku : courier.homesHere()) {
                if (book.stock(sku).isPresent()) {
                    emit(timestamp, sku, "rebalance:" + timestamp + ":" + sku, null, desk.rebalance(sku, Instant.ofEpochMilli(timestamp)));
                    changes.changed(sku);
                }
            }
        }

        /** Times out the allocation requests due by {@code timestamp}, a bounded batch per punctuation. */
        private void expire(long timestamp) {
            Instant now = Instant.ofEpochMilli(timestamp);
            for (SkuDesk.SkuDecisions decided : desk.expire(now, EXPIRY_BATCH)) {
                emit(timestamp, decided.sku(), "expiry:" + timestamp + ":" + decided.sku() + ":" + (expirySequence++), null,
                    decided.decisions());
            }
        }

        @SuppressWarnings("unchecked")
        private static <S> S unwrap(Object store) {
            return (S) store;
        }

        private static <V> StoreTable<V> table(ProcessorContext<Object, Object> context, String store) {
            return new StoreTable<>(context.getStateStore(store));
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            recordTime = record.timestamp();
            fence.fence();   // kept at the task's first record, before any record after the fence is handled
            String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
            if (record.key() == null) {
                deadLetter(record, "record has no key (the SKU)", null);
                return;
            }
            if (topic.equals(topics.stockEvents()) && homes.awayFromHome(record, context)) {
                // placed by another partitioner: handled at the SKU's home, with the commands that allocate its stock
                context.forward(record, NodeNames.STOCK_EVENTS_HOME);
                return;
            }
            String sku = new String(record.key(), StandardCharsets.UTF_8);
            try {
                if (topic.equals(topics.stockEvents())) {
                    StockEvent event = decode(record, stockEvents, topic);
                    if (event != null) {
                        stock(record, sku, event);
                    }
                } else {
                    Command command = decode(record, commands, topic);
                    if (command != null && fromPlatform(record, topic, command)) {
                        command(record, sku, command);
                    }
                }
            } finally {
                changes.changed(sku);
            }
        }

        /**
         * False, the record dead-lettered, for an engine-only payload on the platforms' topic past the fence: it would
         * skip the rules a platform's command goes through. Nothing of it is kept: no outcome, no history.
         */
        private boolean fromPlatform(Record<byte[], byte[]> record, String topic, Command command) {
            if (!topic.equals(topics.commands()) || !CommandSenders.engineOnly(command.getPayload())) {
                return true;
            }
            long offset = context.recordMetadata().map(m -> m.offset()).orElse(-1L);
            if (fence.admits(offset)) {
                return true;   // an older release's own, left on this topic before the upgrade
            }
            deadLetter(record, RefusalCode.UNSUPPORTED.wire() + ": " + command.getPayload().getClass().getSimpleName()
                + " is the engine's own command: it is taken from " + topics.engineCommands() + " only, not from " + topic
                + " (where the engine took its own below offset " + fence.fence() + " of this partition only, left by a release"
                + " before it wrote them to " + topics.engineCommands() + ")", null);
            return false;
        }

        private <T> T decode(Record<byte[], byte[]> record, Deserializer<T> decoder, String topic) {
            return deadLetters.decode(record, decoder, topic, "a record of " + topic);
        }

        private void stock(Record<byte[], byte[]> record, String sku, StockEvent event) {
            Object payload = event.getPayload();
            String named = payload instanceof StockSet s ? s.getSku() : payload instanceof StockAdjusted a ? a.getSku()
                : payload instanceof IncomingSet i ? i.getSku() : payload instanceof HoldPlaced h ? h.getSku()
                : payload instanceof HoldReleased r ? r.getSku() : sku;
            String commandId = event.getCommandId();
            if (outcomes.seen(commandId, event.getPrincipal())) {
                return; // a retry of an applied stock change
            }
            try {
                if (!sku.equals(named)) {
                    throw new Refusal(RefusalCode.WRONG_KEY, "key '" + sku + "' is not the event's sku '" + named + "'");
                }
                Decisions decided = desk.stock(sku, payload, event.getOccurredAt());
                emit(record, sku, event.getEventId(), commandId, decided);
                remember(commandId, event.getPrincipal(), "", true, null, null, event.getOccurredAt());
            } catch (Refusal refusal) {
                remember(commandId, event.getPrincipal(), "", false, refusal.code().wire(), refusal.getMessage(), event.getOccurredAt());
                deadLetter(record, refusal.code().wire() + ": " + refusal.getMessage(), null);
            }
        }

        private void command(Record<byte[], byte[]> record, String sku, Command command) {
            if (command.getPayload() instanceof ReserveLines batch) {
                reserveEach(record, command, batch);
                return;
            }
            if (ShardCourier.isShardMessage(command.getPayload())) {
                shardMessage(record, sku, command);
                return;
            }
            if (command.getGroup() != null) {
                groups.handle(record, sku, command);   // a part of a multi-SKU command, a vote or a decision: all or nothing
                return;
            }
            String commandId = command.getCommandId();
            if (outcomes.seen(commandId, command.getPrincipal())) {
                LOG.debug("command {} seen before: answered from its outcome, nothing applied", commandId);
                return;
            }
            Instant at = command.getIssuedAt();
            if (command.getPayload() instanceof RecordAnswer answer) {   // keyed by the key's scope: no SKU, no decision
                outcomes.remember(new CommandOutcome(commandId, "", true, null, null, List.of(), at, 0, command.getPrincipal(),
                    answer.getFingerprint(), answer.getStatus(), answer.getBody(), null, null, null), command.getPrincipal(), Instant.ofEpochMilli(recordTime));
                return;
            }
            try {
                Decisions decided = desk.command(sku, commandId, command.getOrderId(), command.getPayload(), at);
                emit(record, sku, commandId, commandId, decided);
                applied(command, decided);
            } catch (Refusal refusal) {
                LOG.info("command {} for order {} ({}) refused: {}", commandId, command.getOrderId(), sku, refusal.getMessage());
                refused(command, refusal.code().wire(), refusal.getMessage());
            }
        }

        /** A message of the shard protocol from another shard of this key's SKU: applied, and what it decided sent on. */
        private void shardMessage(Record<byte[], byte[]> record, String key, Command command) {
            if (!shards.sharded(key)) {
                deadLetter(record, RefusalCode.WRONG_KEY.wire() + ": " + command.getPayload().getClass().getSimpleName() + " for '" + key
                    + "', which is not a shard of a SKU split into shards (allotment.shards)", null);
                return;
            }
            Decisions decided = desk.shardMessage(key, command.getPayload(), command.getIssuedAt());
            emit(record, key, command.getCommandId(), command.getCommandId(), decided);
        }

        /**
         * An order's lines on this partition, sent as one record: each decided as the ReserveLine it would have been
         * sent as alone, on its own SKU. A line whose SKU is not at home here (the engine commands topic's partitions changed
         * under the engine) is sent on to its home as a command of its own rather than decided here.
         */
        private void reserveEach(Record<byte[], byte[]> record, Command batch, ReserveLines lines) {
            int here = context.recordMetadata().map(m -> m.partition()).orElse(-1);
            for (LineToReserve line : lines.getLines()) {
                String sku = shards.keyOf(line.getReserve().getSku(), batch.getOrderId());   // its shard's key, if sharded
                Command alone = Command.newBuilder().setCommandId(line.getCommandId()).setIssuedAt(batch.getIssuedAt())
                    .setPrincipal(batch.getPrincipal()).setOrderId(batch.getOrderId()).setPayload(line.getReserve()).build();
                int home = homes.home(topics.engineCommands(), sku);
                if (home >= 0 && here >= 0 && home != here) {
                    LOG.warn("line {} of order {} reached partition {} of the engine's commands, but SKU {} is at home on {}: sent there",
                        line.getReserve().getLineId(), batch.getOrderId(), here, sku, home);
                    context.forward(new Record<Object, Object>(sku, alone, record.timestamp()), NodeNames.SKU_COMMANDS);
                    continue;
                }
                try {
                    command(record, sku, alone);
                } finally {
                    changes.changed(sku);
                }
            }
        }

        /** Keeps an applied command's outcome: the allocations it made or changed, how many decisions it took. */
        private void applied(Command command, Decisions decided) {
            List<String> ids = decided.events().stream().map(e -> DecisionEvents.allocationIdOf(e.payload())).filter(id -> id != null)
                .distinct().toList();
            remember(command.getCommandId(), command.getPrincipal(), command.getOrderId(), true, null, null, command.getIssuedAt(), ids,
                (int) decided.events().stream().filter(e -> e.orderId().equals(command.getOrderId())).count());
        }

        /** Keeps a refused command's outcome, and tells the order's history (CommandRejected). */
        private void refused(Command command, String code, String reason) {
            remember(command.getCommandId(), command.getPrincipal(), command.getOrderId(), false, code, reason, command.getIssuedAt());
            forwardEvent(recordTime, command.getOrderId(), command.getCommandId() + ":rejected", command.getCommandId(),
                command.getIssuedAt(), new CommandRejected(code, reason));
        }

        /** What {@link GroupParts} needs of this processor: a group's parts are applied and answered as commands are. */
        private final class GroupDesk implements GroupParts.Desk {
            @Override
            public void emit(long timestamp, String sku, String causeId, String commandId, Decisions decided) {
                Desk.this.emit(timestamp, sku, causeId, commandId, decided);
            }

            @Override
            public void applied(Command command, Decisions decided) {
                Desk.this.applied(command, decided);
            }

            @Override
            public void refused(Command command, String code, String reason) {
                Desk.this.refused(command, code, reason);
            }

            @Override
            public boolean seen(Command command) {
                return outcomes.seen(command.getCommandId(), command.getPrincipal());
            }

            @Override
            public void rememberGroup(GroupState group, CommandGroups.Verdict verdict) {
                outcomes.remember(new CommandOutcome(group.getGroupId(), group.getOrderId(), verdict.commit(), verdict.code(),
                    verdict.reason(), List.of(), group.getDeadline(), 0, group.getPrincipal(), null, null, null, null, null, null), group.getPrincipal(),
                    Instant.ofEpochMilli(recordTime));
            }

            @Override
            public Optional<CommandGroups.Verdict> groupVerdict(String groupId) {
                return outcomes.get(groupId).map(o -> new CommandGroups.Verdict(o.getAccepted(), o.getCode(), o.getReason()));
            }
        }

        private void emit(Record<byte[], byte[]> record, String sku, String causeId, String commandId, Decisions decided) {
            emit(record.timestamp(), sku, causeId, commandId, decided);
        }

        private void emit(long timestamp, String sku, String causeId, String commandId, Decisions decided) {
            Instant at = Instant.ofEpochMilli(timestamp);
            int n = 0;
            for (Decisions.Decided e : decided.events()) {   // a shard's decisions name its SKU
                forwardEvent(timestamp, e.orderId(), causeId + ":" + (n++), commandId, at, ShardNames.logged(e.payload(), sku));
            }
            courier.send(timestamp, causeId, at, decided);
            if (!decided.changedLocations().isEmpty()) {
                levelsDue.computeIfAbsent(sku, k -> new LinkedHashSet<>()).addAll(decided.changedLocations());
            }
        }

        /**
         * allotment.stock-levels gets each (SKU, location) whose stock changed once per commit, in the commit's
         * transaction, not once per decision: a compacted "latest" feed loses nothing by it, and a popular SKU's many
         * decisions within one commit make one record per location.
         */
        private void publishLevels(String sku, SkuStock stock) {
            Set<String> due = levelsDue.remove(sku);
            if (due == null || stock == null) {
                return;
            }
            ShardPlan.Shard shard = ShardPlan.shard(sku);
            for (String locationId : due) {
                LocationStock s = shard.home() ? ShardTotals.atHome(stock, locationId) : stock.getLocations().get(locationId);
                if (s == null) {
                    continue;
                }
                if (!shard.home()) {   // a shard's level is home's to publish, as part of the SKU's: told it, in this commit
                    Command told = Command.newBuilder().setCommandId("level:" + sku + ":" + locationId + ":" + forwarder.now())
                        .setIssuedAt(Instant.ofEpochMilli(forwarder.now())).setPrincipal(CommandOutcomes.ENGINE).setOrderId(shard.sku())
                        .setPayload(new ShardLevel(shard.index(), locationId, s.getAllocated(), s.getHeld())).build();
                    forwarder.forward(new Record<Object, Object>(shard.sku(), told, forwarder.now()), NodeNames.SKU_COMMANDS);
                    continue;
                }
                boolean tracks = locations.site(locationId).map(Site::tracksStock).orElse(true);
                StockLevel level = new StockLevel(sku, locationId, s.getPhysical(), s.getAllocated(),
                    s.getPhysical() - s.getAllocated() - s.getHeld(), s.getIncoming(), tracks, s.getUpdatedAt(), s.getHeld());
                forwarder.forward(new Record<Object, Object>(new StockLevelKey(sku, locationId), level, forwarder.now()),
                    NodeNames.STOCK_LEVELS);
            }
        }

        private void forwardEvent(long timestamp, String orderId, String eventId, String commandId,
                                  Instant at, Object payload) {
            AllocationEvent event = AllocationEvent.newBuilder().setEventId(eventId).setOccurredAt(at)
                .setCommandId(commandId).setCausationId(commandId).setOrderId(orderId).setPayload(payload).build();
            context.forward(new Record<Object, Object>(orderId, event, timestamp, DecisionHeaders.of(event)),
                NodeNames.SKU_ALLOCATION_EVENTS);
        }

        private void remember(String commandId, String principal, String orderId, boolean accepted, String code, String reason,
                              Instant at) {
            remember(commandId, principal, orderId, accepted, code, reason, at, List.of(), 0);
        }

        /** Keeps a command's first outcome, with who sent it: only they (and admin) may read it over HTTP. */
        private void remember(String commandId, String principal, String orderId, boolean accepted, String code, String reason,
                              Instant at, List<String> allocationIds, int events) {
            if (commandId != null) {
                outcomes.remember(new CommandOutcome(commandId, orderId, accepted, code, reason, allocationIds, at, events,
                    principal, null, null, null, null, null, null), principal, Instant.ofEpochMilli(recordTime));
            }
        }

        private void deadLetter(Record<byte[], byte[]> record, String reason, Throwable error) {
            deadLetters.send(record, reason, error);
        }
    }
}
