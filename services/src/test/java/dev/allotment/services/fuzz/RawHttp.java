package dev.allotment.services.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, one connection per request ({@code Connection: close}), so that a fuzzed request goes to
 * the edge byte for byte as generated: paths with bad percent-encoding, header values no HTTP client library would send,
 * bodies whose Content-Length or encoding lies. Reads the answer to the end of the connection.
 */
public final class RawHttp {
    private final String host;
    private final int port;
    private final int timeoutMillis;

    public RawHttp(String host, int port, int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** An answer: its status, headers (names in lower case) and body; status -1 when the edge gave none (why: {@code failure}). */
    public record Answer(int status, List<String[]> headers, String body, String failure) {
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equals(name.toLowerCase(Locale.ROOT))) {
                    return h[1];
                }
            }
            return null;
        }
    }

    public Answer send(FuzzRequest request) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            IOException writeFailure = null;
            try {
                out.write(request.head(host + ":" + port));
                if (request.body() != null) {
                    out.write(request.body());
                }
                out.flush();
            } catch (IOException e) {
                writeFailure = e;   // the edge may answer (413, 431) and close before it reads the whole request
            }
            byte[] raw;
            try {
                raw = readAll(socket.getInputStream());
            } catch (SocketTimeoutException e) {
                return new Answer(-1, List.of(), "", "no answer within " + timeoutMillis + " ms");
            } catch (IOException e) {
                return new Answer(-1, List.of(), "", "connection failed while reading: " + e
                    + (writeFailure == null ? "" : " (writing failed too: " + writeFailure + ")"));
            }
            return parse(raw, writeFailure);
        } catch (IOException e) {
            return new Answer(-1, List.of(), "", "could not connect: " + e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[16384];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            bytes.write(buffer, 0, n);
        }
        return bytes.toByteArray();
    }

    private static Answer parse(byte[] raw, IOException writeFailure) {
        int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0);
        if (end < 0) {
            return new Answer(-1, List.of(), "", "no complete answer (" + raw.length + " bytes)"
                + (writeFailure == null ? "" : "; writing failed: " + writeFailure));
        }
        String[] head = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] statusLine = head[0].split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(statusLine[1]);
        } catch (RuntimeException e) {
            return new Answer(-1, List.of(), "", "not an HTTP status line: " + head[0]);
        }
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < head.length; i++) {
            int colon = head[i].indexOf(':');
            if (colon > 0) {
                headers.add(new String[] {head[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).trim()});
            }
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        Answer partial = new Answer(status, headers, "", null);
        if ("chunked".equalsIgnoreCase(partial.header("transfer-encoding"))) {
            body = unchunk(body);
        }
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8), null);
    }

    private static byte[] unchunk(byte[] chunked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < chunked.length) {
            int lineEnd = indexOf(chunked, new byte[] {'\r', '\n'}, at);
            if (lineEnd < 0) {
                break;
            }
            String size = new String(chunked, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int n = size.isEmpty() ? 0 : Integer.parseInt(size, 16);
            if (n == 0) {
                break;
            }
            out.write(chunked, lineEnd + 2, Math.min(n, chunked.length - lineEnd - 2));
            at = lineEnd + 2 + n + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
