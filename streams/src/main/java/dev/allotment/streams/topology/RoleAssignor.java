package dev.allotment.streams.topology;

import dev.allotment.streams.state.StoreNames;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.assignment.ApplicationState;
import org.apache.kafka.streams.processor.assignment.AssignmentConfigs;
import org.apache.kafka.streams.processor.assignment.KafkaStreamsAssignment;
import org.apache.kafka.streams.processor.assignment.KafkaStreamsState;
import org.apache.kafka.streams.processor.assignment.ProcessId;
import org.apache.kafka.streams.processor.assignment.TaskAssignor;
import org.apache.kafka.streams.processor.assignment.TaskInfo;
import org.apache.kafka.streams.processor.assignment.assignors.StickyTaskAssignor;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task assignor (KIP-924, {@code task.assignor.class}) for an engine whose instances each run two Kafka Streams
 * clients of the one application: one for the SKU tasks, committing often, so that a command's answer waits a short
 * interval for its outcome's commit, and one for the rest (the orders' tasks, which gain by longer transactions). A
 * client says which it is by its tag {@value #ROLE_TAG} ({@code client.tag.allotment-role}): {@value #SKUS} takes the
 * tasks that hold the SKUs' stock (the SKU sub-topology, found by its store, {@link StoreNames#SKU_STOCK}, not by its
 * number), any other tag the other tasks. Each half is assigned by Kafka Streams' own {@link StickyTaskAssignor} over
 * its clients and tasks alone, standby replicas included, so a task keeps its client across rebalances.
 *
 * <p>A client with no tag (an instance of a release that runs one client) may run either half and is offered both. A
 * half with no client of its role (the first instance of a rolling change, say) goes to every client rather than to
 * none. Design and measurements: docs/design/sku-client.md.
 */
public final class RoleAssignor implements TaskAssignor {
    /** The client tag that names a client's role ({@code client.tag.} + this, in the client's Kafka Streams settings). */
    public static final String ROLE_TAG = "allotment-role";
    /** The role of a client that runs the SKU tasks. */
    public static final String SKUS = "skus";
    /** The role of a client that runs every other task. */
    public static final String ORDERS = "orders";
    private static final Logger LOG = LoggerFactory.getLogger(RoleAssignor.class);

    @Override
    public TaskAssignment assign(ApplicationState state) {
        Map<ProcessId, KafkaStreamsState> clients = state.kafkaStreamsStates(false);
        Map<TaskId, TaskInfo> skuTasks = tasks(state, RoleAssignor::holdsSkus);
        Map<TaskId, TaskInfo> otherTasks = tasks(state, Predicate.not(RoleAssignor::holdsSkus));
        Map<ProcessId, KafkaStreamsAssignment> merged = new LinkedHashMap<>();
        assignHalf(state, SKUS, skuTasks, clientsFor(clients, SKUS), merged);
        assignHalf(state, ORDERS, otherTasks, clientsFor(clients, ORDERS), merged);
        for (ProcessId client : clients.keySet()) {   // a client given nothing is still answered, with no tasks
            merged.computeIfAbsent(client, id -> KafkaStreamsAssignment.of(id, Set.of()));
        }
        return new TaskAssignment(merged.values());
    }

    /**
     * The SKU sub-topology's stores and source topics in {@code topology}: what a client of the role {@value #SKUS}
     * holds and reads, and where a read of one of those stores goes.
     */
    public record SkuSide(Set<String> stores, Set<String> topics) {
        public static SkuSide of(TopologyDescription topology) {
            for (TopologyDescription.Subtopology sub : topology.subtopologies()) {
                Set<String> stores = new TreeSet<>();
                Set<String> topics = new TreeSet<>();
                for (TopologyDescription.Node node : sub.nodes()) {
                    if (node instanceof TopologyDescription.Processor p) {
                        stores.addAll(p.stores());
                    } else if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                        topics.addAll(source.topicSet());
                    }
                }
                if (stores.contains(StoreNames.SKU_STOCK)) {
                    return new SkuSide(Set.copyOf(stores), Set.copyOf(topics));
                }
            }
            throw new IllegalArgumentException("no sub-topology holds " + StoreNames.SKU_STOCK + ": " + topology);
        }
    }

    /** Whether {@code task} is one of the SKU sub-topology's: the one whose task holds the SKUs' stock. */
    static boolean holdsSkus(TaskInfo task) {
        return task.stateStoreNames().contains(StoreNames.SKU_STOCK);
    }

    /** The role {@code client} says it has; empty when it has no such tag (it may run any task). */
    static Optional<String> role(KafkaStreamsState client) {
        return Optional.ofNullable(client.clientTags().get(ROLE_TAG));
    }

    private static Map<TaskId, TaskInfo> tasks(ApplicationState state, Predicate<TaskInfo> which) {
        return state.allTasks().entrySet().stream().filter(e -> which.test(e.getValue()))
            .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    /** The clients that run {@code role}'s tasks: those tagged with it, and those with no role. */
    private static Set<ProcessId> clientsFor(Map<ProcessId, KafkaStreamsState> clients, String role) {
        return clients.values().stream().filter(c -> role(c).map(r -> r.equals(role) || (role.equals(ORDERS) && !r.equals(SKUS)))
            .orElse(true)).map(KafkaStreamsState::processId).collect(Collectors.toCollection(TreeSet::new));
    }

    private static void assignHalf(ApplicationState state, String role, Map<TaskId, TaskInfo> tasks, Set<ProcessId> clients,
                                   Map<ProcessId, KafkaStreamsAssignment> merged) {
        if (tasks.isEmpty()) {
            return;
        }
        Set<ProcessId> to = clients;
        if (to.isEmpty()) {
            to = state.kafkaStreamsStates(false).keySet();
            // an instance's first client to join, before its other one has: the next rebalance gives them to the role
            LOG.info("no client of the group has the role '{}' yet: its {} tasks go to every client", role, tasks.size());
        }
        TaskAssignment half = new StickyTaskAssignor().assign(new Half(state, tasks, to));
        for (KafkaStreamsAssignment given : half.assignment()) {
            KafkaStreamsAssignment into = merged.get(given.processId());
            if (into == null) {
                merged.put(given.processId(), given);
                continue;
            }
            given.tasks().values().forEach(into::assignTask);
            Optional<Instant> deadline = given.followupRebalanceDeadline();
            if (deadline.isPresent() && into.followupRebalanceDeadline().map(d -> deadline.get().isBefore(d)).orElse(true)) {
                merged.put(given.processId(), into.withFollowupRebalance(deadline.get()));
            }
        }
    }

    /** The application as one half sees it: its tasks, its clients, and of each client only what concerns those tasks. */
    private record Half(ApplicationState whole, Map<TaskId, TaskInfo> tasks, Set<ProcessId> clients)
        implements ApplicationState {

        @Override
        public Map<ProcessId, KafkaStreamsState> kafkaStreamsStates(boolean computeTaskLags) {
            Map<ProcessId, KafkaStreamsState> mine = new HashMap<>();
            whole.kafkaStreamsStates(computeTaskLags).forEach((id, client) -> {
                if (clients.contains(id)) {
                    mine.put(id, new HalfClient(client, tasks.keySet()));
                }
            });
            return mine;
        }

        @Override
        public AssignmentConfigs assignmentConfigs() {
            return whole.assignmentConfigs();
        }

        @Override
        public Map<TaskId, TaskInfo> allTasks() {
            return tasks;
        }
    }

    /** A client as one half sees it: the tasks it ran before, and their lags, among the half's tasks only. */
    private record HalfClient(KafkaStreamsState client, Set<TaskId> tasks) implements KafkaStreamsState {
        @Override
        public ProcessId processId() {
            return client.processId();
        }

        @Override
        public int numProcessingThreads() {
            return client.numProcessingThreads();
        }

        @Override
        public SortedSet<String> consumerClientIds() {
            return client.consumerClientIds();
        }

        @Override
        public SortedSet<TaskId> previousActiveTasks() {
            return only(client.previousActiveTasks());
        }

        @Override
        public SortedSet<TaskId> previousStandbyTasks() {
            return only(client.previousStandbyTasks());
        }

        @Override
        public long lagFor(TaskId task) {
            return client.lagFor(task);
        }

        @Override
        public SortedSet<TaskId> prevTasksByLag(String consumerClientId) {
            return only(client.prevTasksByLag(consumerClientId));
        }

        @Override
        public Map<TaskId, Long> statefulTasksToLagSums() {
            return client.statefulTasksToLagSums().entrySet().stream().filter(e -> tasks.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        }

        @Override
        public Optional<HostInfo> hostInfo() {
            return client.hostInfo();
        }

        @Override
        public Map<String, String> clientTags() {
            return client.clientTags();
        }

        @Override
        public Optional<String> rackId() {
            return client.rackId();
        }

        /** {@code given} without the other half's tasks, in its own order (by lag, for {@link #prevTasksByLag}). */
        private SortedSet<TaskId> only(SortedSet<TaskId> given) {
            SortedSet<TaskId> kept = new TreeSet<>(given.comparator());
            given.stream().filter(tasks::contains).forEach(kept::add);
            return kept;
        }
    }
}
