package dev.allotment.services.webhook;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** The webhook sender's knobs, under {@code allotment.webhooks.*} (documented in docs/webhooks.md). */
@ConfigurationProperties("allotment.webhooks")
public class WebhookSettings {
    private boolean enabled = true;
    private String secret = "";
    private String publicUrl = "http://127.0.0.1:8080";
    private int maxAttempts = 6;
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration requestTimeout = Duration.ofSeconds(5);
    private int maxInFlight = 64;
    private List<String> allowedHosts = List.of();

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getSecret() { return secret; }
    public void setSecret(String secret) { this.secret = secret == null ? "" : secret; }
    public String getPublicUrl() { return publicUrl; }
    public void setPublicUrl(String publicUrl) { this.publicUrl = publicUrl; }
    public int getMaxAttempts() { return maxAttempts; }
    public void setMaxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; }
    public Duration getInitialBackoff() { return initialBackoff; }
    public void setInitialBackoff(Duration initialBackoff) { this.initialBackoff = initialBackoff; }
    public Duration getMaxBackoff() { return maxBackoff; }
    public void setMaxBackoff(Duration maxBackoff) { this.maxBackoff = maxBackoff; }
    public Duration getRequestTimeout() { return requestTimeout; }
    public void setRequestTimeout(Duration requestTimeout) { this.requestTimeout = requestTimeout; }
    public int getMaxInFlight() { return maxInFlight; }
    public void setMaxInFlight(int maxInFlight) { this.maxInFlight = maxInFlight; }
    /** Hosts, addresses and CIDR ranges webhooks may reach though not public (see {@link WebhookTargets}). */
    public List<String> getAllowedHosts() { return allowedHosts; }
    public void setAllowedHosts(List<String> allowedHosts) {
        this.allowedHosts = allowedHosts == null ? List.of() : allowedHosts.stream()
            .flatMap(h -> Arrays.stream(h.split(","))).map(String::trim).filter(h -> !h.isEmpty()).toList();
    }
}
