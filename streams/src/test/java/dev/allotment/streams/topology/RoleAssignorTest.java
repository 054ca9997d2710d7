package dev.allotment.streams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.allotment.schemas.InMemoryAvroSerdes;
import dev.allotment.schemas.Topics;
import dev.allotment.streams.order.Limits;
import dev.allotment.streams.state.GlobalPositions;
import dev.allotment.streams.state.StoreChanges;
import dev.allotment.streams.state.StoreNames;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.assignment.ApplicationState;
import org.apache.kafka.streams.processor.assignment.AssignmentConfigs;
import org.apache.kafka.streams.processor.assignment.KafkaStreamsAssignment;
import org.apache.kafka.streams.processor.assignment.KafkaStreamsAssignment.AssignedTask;
import org.apache.kafka.streams.processor.assignment.KafkaStreamsState;
import org.apache.kafka.streams.processor.assignment.ProcessId;
import org.apache.kafka.streams.processor.assignment.TaskAssignor.TaskAssignment;
import org.apache.kafka.streams.processor.assignment.TaskInfo;
import org.apache.kafka.streams.processor.assignment.TaskTopicPartition;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/**
 * The role assignor over the engine's own topology: its tasks as Kafka Streams would list them (every sub-topology with a
 * source topic, four partitions each, with the stores the topology gives it), given to clients tagged as an instance
 * running two clients tags them.
 */
class RoleAssignorTest {
    private static final int PARTITIONS = 4;
    private static final Map<TaskId, TaskInfo> TASKS = engineTasks();

    @Test
    void theSkuTasksGoToTheClientsTaggedForThemAndEveryOtherTaskToTheOthers() {
        Map<ProcessId, Client> clients = clients(client("a", RoleAssignor.ORDERS), client("a", RoleAssignor.SKUS),
            client("b", RoleAssignor.ORDERS), client("b", RoleAssignor.SKUS));

        Map<ProcessId, KafkaStreamsAssignment> given = assign(clients, 0);

        Set<TaskId> skuTasks = TASKS.values().stream().filter(RoleAssignor::holdsSkus).map(TaskInfo::id).collect(Collectors.toSet());
        assertEquals(PARTITIONS, skuTasks.size(), "one SKU task per partition: " + TASKS.keySet());
        for (Client client : clients.values()) {
            Set<TaskId> active = active(given.get(client.id));
            boolean forSkus = client.tags.get(RoleAssignor.ROLE_TAG).equals(RoleAssignor.SKUS);
            assertFalse(active.isEmpty(), client + " has tasks: " + given);
            assertTrue(active.stream().allMatch(t -> skuTasks.contains(t) == forSkus), client + " got " + active);
        }
        assertEveryTaskActiveOnce(given);
    }

    @Test
    void aStandbyOfASkuTaskIsOnTheOtherInstancesSkuClient() {
        Map<ProcessId, Client> clients = clients(client("a", RoleAssignor.ORDERS), client("a", RoleAssignor.SKUS),
            client("b", RoleAssignor.ORDERS), client("b", RoleAssignor.SKUS));

        Map<ProcessId, KafkaStreamsAssignment> given = assign(clients, 1);

        assertEveryTaskActiveOnce(given);
        for (Client client : clients.values()) {
            boolean forSkus = client.tags.get(RoleAssignor.ROLE_TAG).equals(RoleAssignor.SKUS);
            Set<TaskId> standbys = given.get(client.id).tasks().values().stream()
                .filter(t -> t.type() == AssignedTask.Type.STANDBY).map(AssignedTask::id).collect(Collectors.toSet());
            assertTrue(standbys.stream().allMatch(t -> RoleAssignor.holdsSkus(TASKS.get(t)) == forSkus),
                client + " keeps standbys of its own role only: " + standbys);
            assertTrue(standbys.stream().noneMatch(active(given.get(client.id))::contains), client + ": " + given);
        }
        long skuStandbys = given.values().stream().flatMap(a -> a.tasks().values().stream())
            .filter(t -> t.type() == AssignedTask.Type.STANDBY && RoleAssignor.holdsSkus(TASKS.get(t.id()))).count();
        assertEquals(PARTITIONS, skuStandbys, "every SKU task has its standby: " + given);
    }

    @Test
    void aClientKeepsTheTasksItRanBefore() {
        Client skusA = client("a", RoleAssignor.SKUS);
        Client skusB = client("b", RoleAssignor.SKUS);
        List<TaskId> skuTasks = TASKS.values().stream().filter(RoleAssignor::holdsSkus).map(TaskInfo::id).sorted().toList();
        // b ran the first three SKU tasks, a the last: an assignment by counts alone would move one of b's
        skusB.previousActive.addAll(skuTasks.subList(0, 3));
        skusA.previousActive.add(skuTasks.get(3));
        Map<ProcessId, Client> clients = clients(client("a", RoleAssignor.ORDERS), skusA, client("b", RoleAssignor.ORDERS), skusB);

        Map<ProcessId, KafkaStreamsAssignment> given = assign(clients, 0);

        assertTrue(active(given.get(skusA.id)).contains(skuTasks.get(3)), given.toString());
        assertEquals(4, active(given.get(skusA.id)).size() + active(given.get(skusB.id)).size());
        assertTrue(skuTasks.stream().filter(t -> active(given.get(skusB.id)).contains(t)).count() >= 2, "b keeps most: " + given);
    }

    @Test
    void clientsWithNoRoleRunEveryTaskAsBefore() {
        Map<ProcessId, Client> clients = clients(client("a", null), client("b", null));

        Map<ProcessId, KafkaStreamsAssignment> given = assign(clients, 0);

        assertEveryTaskActiveOnce(given);
        for (Client client : clients.values()) {
            Set<TaskId> active = active(given.get(client.id));
            assertTrue(active.stream().anyMatch(t -> RoleAssignor.holdsSkus(TASKS.get(t)))
                && active.stream().anyMatch(t -> !RoleAssignor.holdsSkus(TASKS.get(t))), client + " runs both kinds: " + active);
        }
    }

    @Test
    void aRoleNoClientHasGoesToEveryClientRatherThanToNone() {
        Map<ProcessId, Client> clients = clients(client("a", RoleAssignor.ORDERS), client("b", RoleAssignor.ORDERS));

        Map<ProcessId, KafkaStreamsAssignment> given = assign(clients, 0);

        assertEveryTaskActiveOnce(given);
    }

    @Test
    void theSkuSideIsTheSubTopologyOfTheSkusStockWithTheCommandsAndStockEvents() {
        Topics topics = Topics.defaults();
        RoleAssignor.SkuSide side = RoleAssignor.SkuSide.of(topology().describe());

        assertTrue(side.stores().containsAll(Set.of(StoreNames.SKU_STOCK, StoreNames.LINE_RESERVATIONS)), side.toString());
        assertFalse(side.stores().contains(StoreNames.ORDERS), side.toString());
        assertEquals(Set.of(topics.commands(), topics.engineCommands(), topics.stockEvents()), side.topics());
    }

    private static void assertEveryTaskActiveOnce(Map<ProcessId, KafkaStreamsAssignment> given) {
        Map<TaskId, Long> actives = given.values().stream().flatMap(a -> a.tasks().values().stream())
            .filter(t -> t.type() == AssignedTask.Type.ACTIVE)
            .collect(Collectors.groupingBy(AssignedTask::id, Collectors.counting()));
        assertEquals(TASKS.keySet(), actives.keySet(), "every task is assigned");
        assertTrue(actives.values().stream().allMatch(n -> n == 1), "each task active on one client: " + actives);
    }

    private static Set<TaskId> active(KafkaStreamsAssignment assignment) {
        return assignment.tasks().values().stream().filter(t -> t.type() == AssignedTask.Type.ACTIVE)
            .map(AssignedTask::id).collect(Collectors.toSet());
    }

    private static Map<ProcessId, KafkaStreamsAssignment> assign(Map<ProcessId, Client> clients, int standbys) {
        AssignmentConfigs configs = new AssignmentConfigs(10_000L, 2, standbys, 600_000L, List.of(), OptionalInt.empty(),
            OptionalInt.empty(), StreamsConfig.RACK_AWARE_ASSIGNMENT_STRATEGY_NONE);
        ApplicationState state = new ApplicationState() {
            @Override
            public Map<ProcessId, KafkaStreamsState> kafkaStreamsStates(boolean computeTaskLags) {
                return new HashMap<>(clients);
            }

            @Override
            public AssignmentConfigs assignmentConfigs() {
                return configs;
            }

            @Override
            public Map<TaskId, TaskInfo> allTasks() {
                return TASKS;
            }
        };
        TaskAssignment assignment = new RoleAssignor().assign(state);
        Map<ProcessId, KafkaStreamsAssignment> byClient = assignment.assignment().stream()
            .collect(Collectors.toMap(KafkaStreamsAssignment::processId, a -> a));
        assertEquals(clients.keySet(), byClient.keySet(), "every client is answered");
        return byClient;
    }

    /** The tasks of the engine's topology: each sub-topology that reads a topic, per partition, with its stores. */
    private static Map<TaskId, TaskInfo> engineTasks() {
        TopologyDescription description = topology().describe();
        Map<TaskId, TaskInfo> tasks = new LinkedHashMap<>();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            Set<String> stores = sub.nodes().stream().filter(n -> n instanceof TopologyDescription.Processor)
                .flatMap(n -> ((TopologyDescription.Processor) n).stores().stream()).collect(Collectors.toSet());
            Set<String> sources = sub.nodes().stream().filter(n -> n instanceof TopologyDescription.Source)
                .flatMap(n -> ((TopologyDescription.Source) n).topicSet().stream()).collect(Collectors.toSet());
            for (int p = 0; p < PARTITIONS; p++) {
                TaskId id = new TaskId(sub.id(), p);
                Set<TaskTopicPartition> partitions = new HashSet<>();
                for (String topic : sources) {
                    partitions.add(new Partition(new TopicPartition(topic, p), true, false));
                }
                for (String store : stores) {   // a standby is kept of a task with a changelog
                    partitions.add(new Partition(new TopicPartition("engine-" + store + "-changelog", p), false, true));
                }
                tasks.put(id, new Task(id, !stores.isEmpty(), stores, partitions));
            }
        }
        assertTrue(tasks.values().stream().anyMatch(t -> t.stateStoreNames().contains(StoreNames.SKU_STOCK)), tasks.toString());
        assertTrue(tasks.values().stream().anyMatch(t -> t.stateStoreNames().contains(StoreNames.ORDERS)), tasks.toString());
        return tasks;
    }

    private static org.apache.kafka.streams.Topology topology() {
        return AllotmentTopology.build(Topics.defaults(), new InMemoryAvroSerdes(),
            new TopologyHooks(new StoreChanges(), new HomePartitions(Map.of()), letter -> { }, new GlobalPositions()),
            new TopologySettings(Limits.DEFAULTS, TopologySettings.DEFAULT_OUTCOME_RETENTION));
    }

    private static Map<ProcessId, Client> clients(Client... clients) {
        Map<ProcessId, Client> byId = new LinkedHashMap<>();
        for (Client c : clients) {
            byId.put(c.id, c);
        }
        return byId;
    }

    private static Client client(String instance, String role) {
        Map<String, String> tags = role == null ? Map.of() : Map.of(RoleAssignor.ROLE_TAG, role);
        int port = role == null || role.equals(RoleAssignor.ORDERS) ? 8080 : 8081;
        return new Client(new ProcessId(UUID.randomUUID()), new HostInfo(instance, port), tags, new TreeSet<>(), new TreeSet<>());
    }

    private record Partition(TopicPartition topicPartition, boolean isSource, boolean isChangelog)
        implements TaskTopicPartition {
        @Override
        public Optional<Set<String>> rackIds() {
            return Optional.empty();
        }
    }

    private record Task(TaskId id, boolean isStateful, Set<String> stateStoreNames, Set<TaskTopicPartition> topicPartitions)
        implements TaskInfo {}

    private record Client(ProcessId id, HostInfo host, Map<String, String> tags, SortedSet<TaskId> previousActive,
                          SortedSet<TaskId> previousStandby) implements KafkaStreamsState {
        @Override
        public ProcessId processId() {
            return id;
        }

        @Override
        public int numProcessingThreads() {
            return 1;
        }

        @Override
        public SortedSet<String> consumerClientIds() {
            return new TreeSet<>(Set.of(id + "-StreamThread-1-consumer"));
        }

        @Override
        public SortedSet<TaskId> previousActiveTasks() {
            return previousActive;
        }

        @Override
        public SortedSet<TaskId> previousStandbyTasks() {
            return previousStandby;
        }

        @Override
        public long lagFor(TaskId task) {
            return previousActive.contains(task) || previousStandby.contains(task) ? 0 : 1_000;
        }

        @Override
        public SortedSet<TaskId> prevTasksByLag(String consumerClientId) {
            SortedSet<TaskId> all = new TreeSet<>(previousActive);
            all.addAll(previousStandby);
            return all;
        }

        @Override
        public Map<TaskId, Long> statefulTasksToLagSums() {
            Set<TaskId> known = new HashSet<>(previousActive);
            known.addAll(previousStandby);
            return known.stream().collect(Collectors.toMap(t -> t, t -> 0L));
        }

        @Override
        public Optional<HostInfo> hostInfo() {
            return Optional.of(host);
        }

        @Override
        public Map<String, String> clientTags() {
            return tags;
        }

        @Override
        public Optional<String> rackId() {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return host + tags.toString();
        }
    }
}
