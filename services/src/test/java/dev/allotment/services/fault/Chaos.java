package dev.allotment.services.fault;

import dev.allotment.services.support.BrokerProcess;
import dev.allotment.services.support.EngineProcess;
import dev.allotment.services.support.RegistryProcess;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * SIGKILLs the engine at random moments spread over the load, each time starting it again on the same state directory;
 * once during the run it SIGKILLs and restarts the broker (same port and data directory), once the registry (same port
 * and H2 file), with the engine running on through both.
 */
final class Chaos implements Runnable {
    static final Duration RECOVERY = Duration.ofSeconds(180);
    private final FaultSettings settings;
    private final EngineProcess engine;
    private final Operator operator;
    private final BrokerProcess broker;
    private final RegistryProcess registry;
    private final Random random;
    private final List<String> failures;
    volatile int killsSurvived;
    volatile int killsDuringStart;
    volatile int brokerRestarts;
    volatile int registryRestarts;
    volatile long longestRecoveryMs;
    volatile boolean done;

    Chaos(FaultSettings settings, EngineProcess engine, Operator operator, BrokerProcess broker, RegistryProcess registry,
          long seed, List<String> failures) {
        this.settings = settings;
        this.engine = engine;
        this.operator = operator;
        this.broker = broker;
        this.registry = registry;
        this.random = new Random(seed);
        this.failures = failures;
    }

    @Override
    public void run() {
        try {
            long start = System.nanoTime();
            long spacing = settings.load().toNanos() / (settings.kills() + 1);
            for (int i = 0; i < settings.kills(); i++) {
                long jitter = (long) ((random.nextDouble() - 0.5) * 0.8 * spacing);
                sleepUntil(Math.max(start + (i + 1) * spacing + jitter, System.nanoTime() + Duration.ofSeconds(2).toNanos()));
                killEngine();
                if (i == settings.kills() / 3) {
                    restartBroker();
                }
                if (i == 2 * settings.kills() / 3) {
                    restartRegistry();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | AssertionError e) {
            failures.add("chaos: " + e);
        } finally {
            done = true;
        }
    }

    /** One kill in five comes while the engine is starting again (restoring its state, rebalancing), the rest while it runs. */
    private void killEngine() throws Exception {
        engine.kill();
        boolean again = random.nextInt(5) == 0;
        if (again) {
            engine.launch();
            Thread.sleep(1000 + random.nextInt(8000));
            engine.kill();
        }
        long t0 = System.nanoTime();
        operator.start(RECOVERY);
        recovered(t0);
        killsSurvived += again ? 2 : 1;
        killsDuringStart += again ? 1 : 0;
    }

    /** A random moment after the engine came back, the broker dies (SIGKILL) and comes back on its data directory. */
    private void restartBroker() throws Exception {
        Thread.sleep(2000 + random.nextInt(5000));
        broker.kill();
        Thread.sleep(2000);
        broker.restart();
        long t0 = System.nanoTime();
        operator.awaitHealthy(RECOVERY);
        recovered(t0);
        brokerRestarts++;
    }

    private void restartRegistry() throws Exception {
        Thread.sleep(2000 + random.nextInt(5000));
        registry.kill();
        Thread.sleep(1000);
        registry.restart();
        operator.awaitHealthy(RECOVERY);
        registryRestarts++;
    }

    private void recovered(long since) {
        longestRecoveryMs = Math.max(longestRecoveryMs, Duration.ofNanos(System.nanoTime() - since).toMillis());
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000);
        }
    }
}
