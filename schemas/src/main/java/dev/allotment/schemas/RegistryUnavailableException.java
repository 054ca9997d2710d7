package dev.allotment.schemas;

/** The schema registry could not be reached (after the registrar's retries): a passing outage, not a bad record. */
public class RegistryUnavailableException extends IllegalStateException {
    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
