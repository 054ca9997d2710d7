package dev.allotment.bench.kafka;

import java.io.IOException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node KRaft broker for benchmarks when none answers: the same {@code KafkaClusterTestKit} set-up the
 * services' tests use (RealInfrastructure), run in a JVM of its own so broker and benchmark do not share a heap.
 * Prints {@code BOOTSTRAP=host:port} when ready and stops when its standard input closes (its parent ended).
 */
public final class LocalBroker {
    static final String READY = "BOOTSTRAP=";

    private LocalBroker() {}

    public static void main(String[] args) throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
            .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("auto.create.topics.enable", "false")
            .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        Thread stop = new Thread(() -> {
            try {
                cluster.close();
            } catch (Exception e) {
                System.err.println("stopping the local broker: " + e);
            }
        });
        Runtime.getRuntime().addShutdownHook(stop);
        System.out.println(READY + cluster.bootstrapServers());
        System.out.flush();
        try {
            while (System.in.read() != -1) {
                // nothing to read: the parent only ever closes the pipe
            }
        } catch (IOException e) {
            // the parent is gone
        }
        System.exit(0);  // runs the shutdown hook, which stops the cluster and deletes its directories
    }
}
