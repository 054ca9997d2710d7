package dev.allotment.services.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One generated request, as it goes on the wire: the route it was made for, method, target (path and query, already
 * percent-encoded as the generator wants them), headers, body; what was done to it ({@code mutations}); the
 * Idempotency-Key it carries when that key is the fuzz's own (so its effects can be found in the decision log); and what
 * it would change if the engine accepted it ({@link Effect}).
 */
public record FuzzRequest(String route, String method, String target, List<String[]> headers, byte[] body,
                          List<String> mutations, String ownKey, Effect effect) {

    /** The request line and headers, with Host, Connection: close and a Content-Length for the body. */
    byte[] head(String hostAndPort) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, method + " " + target + " HTTP/1.1\r\nHost: " + hostAndPort + "\r\nConnection: close\r\n");
        for (String[] h : headers) {
            write(out, h[0] + ": " + h[1] + "\r\n");
        }
        if (body != null) {
            write(out, "Content-Length: " + body.length + "\r\n");
        }
        write(out, "\r\n");
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
    }

    public String header(String name) {
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                return h[1];
            }
        }
        return null;
    }

    public String bodyText() {
        return body == null ? null : new String(body, StandardCharsets.UTF_8);
    }

    /** The same request sent again (same key, same body): an idempotent retry. */
    public FuzzRequest retry() {
        List<String> again = new ArrayList<>(mutations);
        again.add("retry of an earlier request");
        return new FuzzRequest(route, method, target, headers, body, again, ownKey, Effect.NONE);
    }

    /** What a reviewer needs to send it again by hand: the request, its body shortened, with every control character escaped. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append(method).append(' ').append(Text.escape(Text.shorten(target, 300))).append('\n');
        for (String[] h : headers) {
            s.append("  ").append(h[0]).append(": ").append(Text.escape(Text.shorten(h[1], 200))).append('\n');
        }
        if (body != null) {
            s.append("  body (").append(body.length).append(" bytes): ").append(Text.escape(Text.shorten(bodyText(), 600))).append('\n');
        }
        s.append("  generated as: ").append(mutations.isEmpty() ? "a valid request" : String.join("; ", mutations));
        return s.toString();
    }
}
