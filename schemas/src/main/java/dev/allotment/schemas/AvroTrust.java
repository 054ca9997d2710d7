package dev.allotment.schemas;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to instantiate classes it has not been told to trust; the engine's generated
 * event classes (package {@code dev.allotment.events}) are trusted here, once, beside Avro's defaults.
 */
public final class AvroTrust {
    private static final String EVENTS_PACKAGE = "dev.allotment.events";
    private static volatile boolean done;

    private AvroTrust() {}

    public static synchronized void trustEngineEvents() {
        if (done) {
            return;
        }
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous,
            type -> EVENTS_PACKAGE.equals(type.getPackageName())));
        done = true;
    }
}
