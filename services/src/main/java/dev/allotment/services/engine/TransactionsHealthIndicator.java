package dev.allotment.services.engine;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import java.util.Map;

/**
 * /health is DOWN while a hanging transaction holds one of the engine's partitions ({@link TransactionWatch}): the engine
 * reads nothing past it there, a restart does not help, and only an operator's abort does. Which partition and the
 * command that ends it are on {@code GET /admin/transactions} and in the log.
 */
@Singleton
public class TransactionsHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final TransactionWatch watch;

    public TransactionsHealthIndicator(TransactionWatch watch) {
        this.watch = watch;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        long hanging = watch.report().hanging();
        healthStatus = hanging == 0 ? HealthStatus.UP : HealthStatus.DOWN;
        return Map.of("hanging", hanging);
    }

    @Override
    protected String getName() {
        return "kafkaTransactions";
    }
}
