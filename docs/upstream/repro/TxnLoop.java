import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The reproduction's producer (docs/upstream/kafka-transaction-split-after-broker-kill.md): {@code create} makes four
 * topics of four partitions; {@code run SECONDS} commits transaction n, one record "n" on each of the 16 partitions
 * plus an offset commit, until the time is up, starting a new producer (same transactional id) after any failure.
 * Run as a single-file program on the broker's own jars: {@code java -cp "deploy/broker/target/lib/*" TxnLoop.java}.
 */
public class TxnLoop {
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        if (args[1].equals("create")) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                List<NewTopic> topics = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    topics.add(new NewTopic("t" + t, 4, (short) 1));
                }
                admin.createTopics(topics).all().get();
            }
            return;
        }
        long until = System.currentTimeMillis() + Long.parseLong(args[2]) * 1000;
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("transactional.id", "repro-1");
        p.put("key.serializer", StringSerializer.class.getName());
        p.put("value.serializer", StringSerializer.class.getName());
        p.put("transaction.timeout.ms", "10000");
        p.put("request.timeout.ms", "5000");
        p.put("delivery.timeout.ms", "120000");
        p.put("max.block.ms", "120000");
        long n = 0;
        long committed = 0;
        KafkaProducer<String, String> producer = new KafkaProducer<>(p);
        producer.initTransactions();
        while (System.currentTimeMillis() < until) {
            try {
                producer.beginTransaction();
                for (int t = 0; t < 4; t++) {
                    for (int q = 0; q < 4; q++) {
                        producer.send(new ProducerRecord<>("t" + t, q, "k", Long.toString(n)));
                    }
                }
                producer.sendOffsetsToTransaction(Map.of(new TopicPartition("t0", 0), new OffsetAndMetadata(n)),
                    new ConsumerGroupMetadata("repro-group", -1, "", java.util.Optional.empty()));
                producer.commitTransaction();
                committed++;
            } catch (Exception e) {
                System.err.println("transaction " + n + " failed: " + e);
                producer.close(Duration.ofSeconds(5));
                producer = new KafkaProducer<>(p);
                producer.initTransactions();
            }
            n++;
        }
        producer.close();
        System.out.println("committed " + committed + " of " + n + " transactions");
    }
}
