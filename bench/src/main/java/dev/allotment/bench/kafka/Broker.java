package dev.allotment.bench.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** The broker a Kafka scenario runs against: the one given (or on 127.0.0.1:9092), else a {@link LocalBroker} child. */
public final class Broker implements AutoCloseable {
    private final String bootstrap;
    private final Process child;

    private Broker(String bootstrap, Process child) {
        this.bootstrap = bootstrap;
        this.child = child;
    }

    public static Broker connect(String bootstrap, boolean given) throws Exception {
        if (reachable(bootstrap)) {
            System.out.println("using the Kafka broker at " + bootstrap);
            return new Broker(bootstrap, null);
        }
        if (given) {
            throw new IllegalStateException("no Kafka broker answers at " + bootstrap + " (--bootstrap)");
        }
        System.out.println("no broker at " + bootstrap + "; starting a local single-node KRaft broker…");
        return startLocal();
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** True when this run started the broker (and the report should say so). */
    public boolean local() {
        return child != null;
    }

    static boolean reachable(String bootstrap) {
        String first = bootstrap.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(first.substring(0, colon), Integer.parseInt(first.substring(colon + 1))), 500);
        } catch (IOException | RuntimeException e) {
            return false;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000))) {
            admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static Broker startLocal() throws Exception {
        Path log = Files.createTempFile("allotment-bench-broker", ".log");
        Process p = JavaChild.builder(List.of("-Xmx768m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                LocalBroker.class.getName(), List.of())
            .redirectError(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith(LocalBroker.READY)) {
                String bootstrap = line.substring(LocalBroker.READY.length()).trim();
                System.out.println("local broker ready at " + bootstrap + " (log: " + log + ")");
                return new Broker(bootstrap, p);
            }
        }
        throw new IllegalStateException("the local broker exited before it was ready; its log: " + log);
    }

    /** Creates a topic of {@code partitions} partitions, replication 1 (an existing one is deleted first). */
    public void recreateTopic(String name, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            if (admin.listTopics().names().get().contains(name)) {
                admin.deleteTopics(List.of(name)).all().get();
                for (int i = 0; i < 100 && admin.listTopics().names().get().contains(name); i++) {
                    Thread.sleep(100);
                }
            }
            for (int attempt = 0; ; attempt++) {
                try {
                    admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
                    return;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException) || attempt > 50) {
                        throw e;
                    }
                    Thread.sleep(200);  // the deletion is still in progress
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        if (child == null) {
            return;
        }
        child.getOutputStream().close();
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
    }
}
