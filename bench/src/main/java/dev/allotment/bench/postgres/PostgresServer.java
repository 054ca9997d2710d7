package dev.allotment.bench.postgres;

import dev.allotment.bench.core.Trees;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server: a fresh data directory under a temporary folder, {@code initdb}, started on a free
 * local port with its unix socket in that folder, stopped and deleted on {@link #close()} or, failing that, at JVM
 * exit (Ctrl-C, an exception). PostgreSQL refuses to run as root, so as root the server runs as the
 * {@code postgres} user (Debian's package creates it).
 */
public final class PostgresServer implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread hook = new Thread(this::stopQuietly, "postgres-stop");

    private PostgresServer(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    public static PostgresServer start(String pgBin) throws Exception {
        Path bin = findBin(pgBin);
        Path dir = Files.createTempDirectory("allotment-bench-pg");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(dir, postgres);
        }
        PostgresServer server = new PostgresServer(bin, dir, freePort(), root);
        Runtime.getRuntime().addShutdownHook(server.hook);
        try {
            server.exec("initdb", "-D", server.data(), "-U", "bench", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync");
            server.exec("pg_ctl", "-D", server.data(), "-l", dir.resolve("server.log").toString(), "-w", "-t", "60",
                "-o", "-p " + server.port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=100", "start");
        } catch (Exception e) {
            server.close();
            throw e;
        }
        System.out.println("PostgreSQL (" + bin + ") on 127.0.0.1:" + server.port + ", data in " + dir);
        return server;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=bench";
    }

    public String version() {
        return bin.toString();
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    /** Where initdb and pg_ctl live: the option, /usr/local/bin, Debian's /usr/lib/postgresql/<newest>/bin, or PATH. */
    static Path findBin(String given) throws IOException {
        List<Path> candidates = new ArrayList<>();
        if (given != null) {
            candidates.add(Path.of(given));
        }
        candidates.add(Path.of("/usr/local/bin"));
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                versions.filter(v -> v.getFileName().toString().matches("[0-9.]+"))
                    .sorted(Comparator.comparingDouble((Path v) -> Double.parseDouble(v.getFileName().toString())).reversed())
                    .forEach(v -> candidates.add(v.resolve("bin")));
            }
        }
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isEmpty()) {
                candidates.add(Path.of(p));
            }
        }
        for (Path c : candidates) {
            if (Files.isExecutable(c.resolve("initdb")) && Files.isExecutable(c.resolve("pg_ctl"))) {
                return c;
            }
        }
        throw new IllegalStateException("no initdb and pg_ctl found (looked in " + candidates
            + "); install Debian's postgresql package or pass --pg-bin DIR");
    }

    private void exec(String tool, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (asPostgresUser) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(bin.resolve(tool).toString());
        command.addAll(List.of(args));
        Path log = dir.resolve(tool + ".out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(tool + " failed: " + Files.readString(log));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void stopQuietly() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                exec("pg_ctl", "-D", data(), "-m", "fast", "-w", "stop");
            }
        } catch (Exception e) {
            System.err.println("stopping PostgreSQL in " + dir + ": " + e.getMessage());
        }
        Trees.deleteQuietly(dir);
    }

    @Override
    public void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or has run
        }
    }
}
