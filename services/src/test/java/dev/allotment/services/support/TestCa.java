package dev.allotment.services.support;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A certificate authority made at test time with the JDK's {@code keytool}, as an operator makes a private CA: its key in
 * {@code ca.p12}, its certificate in a PKCS12 truststore ({@link #truststore()}), and keystores it signs for a server on
 * 127.0.0.1 ({@link #issue}). Every store has the password {@link #PASSWORD}. Nothing is committed: each run makes its own.
 */
public final class TestCa {
    public static final String PASSWORD = "test-store-secret";
    private final Path dir;
    private final String name;

    private TestCa(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    /** A new CA named {@code name}, its files in {@code dir}. */
    public static TestCa create(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        TestCa ca = new TestCa(dir, name);
        ca.keytool("-genkeypair", "-alias", "ca", "-dname", "CN=" + name, "-keyalg", "RSA", "-keysize", "2048",
            "-validity", "3", "-ext", "bc:c", "-keystore", ca.store().toString(), "-storetype", "PKCS12");
        ca.keytool("-exportcert", "-alias", "ca", "-rfc", "-keystore", ca.store().toString(), "-file", ca.certificate().toString());
        ca.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", ca.certificate().toString(),
            "-keystore", ca.truststore().toString(), "-storetype", "PKCS12");
        return ca;
    }

    /** The truststore holding this CA's certificate alone. */
    public Path truststore() {
        return dir.resolve(name + "-truststore.p12");
    }

    /** A keystore with a key and a certificate this CA signed for {@code localhost} and 127.0.0.1, chain included. */
    public Path issue(String alias) throws Exception {
        Path keystore = dir.resolve(alias + ".p12");
        Path request = dir.resolve(alias + ".csr");
        Path signed = dir.resolve(alias + ".crt");
        keytool("-genkeypair", "-alias", alias, "-dname", "CN=localhost", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3",
            "-keystore", keystore.toString(), "-storetype", "PKCS12");
        keytool("-certreq", "-alias", alias, "-keystore", keystore.toString(), "-file", request.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", store().toString(), "-infile", request.toString(),
            "-outfile", signed.toString(), "-rfc", "-validity", "3", "-ext", "SAN=dns:localhost,ip:127.0.0.1");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", certificate().toString(), "-keystore", keystore.toString());
        keytool("-importcert", "-alias", alias, "-file", signed.toString(), "-keystore", keystore.toString());
        return keystore;
    }

    private Path store() {
        return dir.resolve(name + "-ca.p12");
    }

    private Path certificate() {
        return dir.resolve(name + "-ca.crt");
    }

    private void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storepass", PASSWORD));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
