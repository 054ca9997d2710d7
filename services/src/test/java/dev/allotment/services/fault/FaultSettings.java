package dev.allotment.services.fault;

import java.time.Duration;

/**
 * How big a fault-suite run is: how long the clients load the engine, how many times it is SIGKILLed meanwhile, how
 * many platform clients run beside the two supplier clients. System properties (-Dfault.minutes=…, passed on by
 * failsafe) or environment variables (ALLOTMENT_FAULT_MINUTES, …); the defaults fit CI (docs/testing.md).
 */
record FaultSettings(Duration load, int kills, int platformClients, long seed) {
    static FaultSettings fromEnvironment() {
        double minutes = Double.parseDouble(value("fault.minutes", "ALLOTMENT_FAULT_MINUTES", "3"));
        return new FaultSettings(Duration.ofSeconds(Math.round(minutes * 60)),
            Integer.parseInt(value("fault.kills", "ALLOTMENT_FAULT_KILLS", "10")),
            Integer.parseInt(value("fault.clients", "ALLOTMENT_FAULT_CLIENTS", "3")),
            Long.parseLong(value("fault.seed", "ALLOTMENT_FAULT_SEED", Long.toString(System.nanoTime()))));
    }

    private static String value(String property, String variable, String fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(variable);
        }
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    @Override
    public String toString() {
        return load.toSeconds() + " s of load, " + kills + " kills, " + platformClients + " platform clients + 2 supplier clients, seed "
            + seed;
    }
}
