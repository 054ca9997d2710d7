package dev.allotment.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * How the engine reaches a schema registry through the Confluent Schema Registry API: {@code url} is that API's base,
 * as Confluent's own clients take {@code schema.registry.url} (Confluent Schema Registry, Karapace and Redpanda serve it
 * at their root; Apicurio 2.x at {@code …/apis/ccompat/v7}); {@code userInfo} is HTTP basic auth as {@code user:password}
 * (Confluent's {@code basic.auth.user.info}), or null; {@code truststore} the certificates an {@code https} registry is
 * trusted by (JKS or PKCS12, Confluent's {@code schema.registry.ssl.truststore.*}), or null for the JVM's own.
 */
public record RegistryConnection(String url, String userInfo, Path truststore, String truststorePassword, String truststoreType) {
    public RegistryConnection {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("the schema registry URL is required (allotment.registry.url, ALLOTMENT_REGISTRY)");
        }
        url = url.strip();
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new IllegalArgumentException("the schema registry URL must start with http:// or https://, was " + url);
        }
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        userInfo = userInfo == null || userInfo.isBlank() ? null : userInfo;
        if (userInfo != null && !userInfo.contains(":")) {
            throw new IllegalArgumentException("the schema registry's basic auth user info must be user:password");
        }
        truststoreType = truststoreType == null || truststoreType.isBlank() ? null : truststoreType;
    }

    /** A registry reached without credentials or a truststore of its own. */
    public static RegistryConnection of(String url) {
        return new RegistryConnection(url, null, null, null, null);
    }

    /** The URL of {@code path} on the Confluent API ({@code /subjects}, {@code /schemas/ids/1}). */
    public String at(String path) {
        return url + path;
    }

    /** An HTTP client for the registry: TLS trusting the truststore when one is given. */
    public HttpClient client() {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (truststore != null) {
            builder.sslContext(trusting());
        }
        return builder.build();
    }

    /** A request to {@code path} with the basic auth header when credentials are given. */
    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(java.net.URI.create(at(path)));
        if (userInfo != null) {
            request.header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    /** What may be printed: the URL, the user without the password, the truststore's path. */
    public String describe() {
        return url + (userInfo == null ? "" : " as " + userInfo.substring(0, userInfo.indexOf(':')))
            + (truststore == null ? "" : " trusting " + truststore);
    }

    @Override
    public String toString() {
        return "RegistryConnection[" + describe() + "]";
    }

    private SSLContext trusting() {
        try (InputStream in = Files.newInputStream(truststore)) {
            KeyStore store = KeyStore.getInstance(truststoreType != null ? truststoreType
                : truststore.toString().endsWith(".jks") ? "JKS" : "PKCS12");
            store.load(in, truststorePassword == null ? null : truststorePassword.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the schema registry's truststore " + truststore + ": " + e, e);
        }
    }
}
