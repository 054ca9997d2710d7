package dev.allotment.services.fuzz;

import dev.allotment.services.auth.Role;
import dev.allotment.streams.order.Limits;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Turns a route's valid draft into the request the fuzz sends: as it is (about a third of the time, so the engine does
 * real work between the bad ones), or with its body, path ids, query or headers mutated; with a caller that may or may
 * not call the route. Works out what the request changes if accepted from what is actually sent ({@link Contract}), and
 * says when it must be refused whatever the engine's state.
 */
public final class RequestFuzzer {
    private final Random random;
    private final Drafts drafts;
    private final Map<String, Set<Role>> roles;
    private final Map<Role, String> keys;
    private final long maxBody;
    private final String tag;
    private int sent;

    public RequestFuzzer(long seed, FuzzModel model, Map<String, Set<Role>> roles, Map<Role, String> keys, int maxLines, long maxBody) {
        this.random = new Random(seed);
        this.tag = Long.toString(seed, 36).replace('-', 'm');
        this.drafts = new Drafts(random, model, new Contract(maxLines, maxBody), tag);
        this.roles = roles;
        this.keys = keys;
        this.maxBody = maxBody;
    }

    /** The routes it has drafts for. */
    public Set<String> routes() {
        return drafts.routes();
    }

    /** The next request, for a route drawn at random from {@code routes}. */
    public FuzzRequest next(List<String> routes) {
        String route = routes.get(random.nextInt(routes.size()));
        Drafts.Draft draft = drafts.draft(route);
        List<String> notes = new ArrayList<>();
        List<String[]> headers = new ArrayList<>();
        int mode = random.nextInt(100);

        List<String> ids = new ArrayList<>(draft.ids);
        String rawSegment = null;
        if (mode >= 85 && !ids.isEmpty()) {
            int which = random.nextInt(ids.size());
            if (!draft.method.equals("PUT") && random.nextBoolean()) {
                rawSegment = Values.pick(random, List.of("%zz", "%", "%0", "%C3", "%ED%A0%80", "a%2Fb", "..", ".", "%20", "%00",
                    "x;y=1", "%25", "", "a b", "\u00FC\u4E2D", "%F0%9F%9A%80", "x".repeat(9000)));
                notes.add("path id " + which + " sent raw as " + Text.escape(Text.shorten(rawSegment, 30)));
                ids.set(which, "\u0000raw:" + which);
            } else {
                String odd = Values.oddId(random, ids.get(which));
                notes.add("path id " + which + " = \"" + Text.escape(Text.shorten(odd, 40)) + "\"");
                ids.set(which, odd);
            }
        }
        String target = path(draft.template, ids, rawSegment) + query(draft, mode, notes);

        byte[] body = body(draft, mode, notes);
        Effect effect = effect(draft, ids, rawSegment, body);
        String ownKey = null;
        if (random.nextInt(10) == 0) {
            effect = idempotencyKey(headers, notes, effect);
        } else {
            ownKey = "fz" + tag + "-" + (++sent);
            headers.add(new String[] {"Idempotency-Key", ownKey});
        }
        effect = caller(route, headers, notes, effect);
        if (body != null) {
            body = contentType(headers, notes, body);
        }
        extraHeaders(headers, notes);
        return new FuzzRequest(route, draft.method, target, headers, body, notes, ownKey, effect);
    }

    private String path(String template, List<String> ids, String rawSegment) {
        StringBuilder path = new StringBuilder();
        int id = 0;
        for (int at = 0; at < template.length(); ) {
            int open = template.indexOf("{}", at);
            if (open < 0) {
                path.append(template, at, template.length());
                break;
            }
            path.append(template, at, open);
            String value = ids.get(id++);
            path.append(value.startsWith("\u0000raw:") ? rawSegment : encode(value));
            at = open + 2;
        }
        return path.toString();
    }

    private String query(Drafts.Draft draft, int mode, List<String> notes) {
        List<String> pairs = new ArrayList<>();
        draft.query.forEach((name, values) -> values.forEach(v -> pairs.add(encode(name) + "=" + encode(v))));
        if (draft.method.equals("GET") || draft.method.equals("HEAD")) {
            if (mode >= 60 && mode < 85) {
                List<String> names = new ArrayList<>(List.of("limit", "cursor", "page", "status", "order", "warehouse", "location_id",
                    "order_id", "as_of", "sku", "x"));
                names.addAll(draft.query.keySet());
                String name = Values.pick(random, names);
                String value = random.nextBoolean() ? encode(Values.oddString(random))
                    : Values.pick(random, List.of("-1", "0", "101", "1e2", "2147483648", "99999999999999999999", "%zz", "", "%00",
                        "YTpmei1vLQ", "Yjo", "!!!", "all,nope", "1.5"));
                pairs.add(random.nextInt(4) == 0 ? name : name + "=" + value);
                notes.add("query " + name + "=" + Text.escape(Text.shorten(value, 40)));
            }
        }
        return pairs.isEmpty() ? "" : "?" + String.join("&", pairs);
    }

    private byte[] body(Drafts.Draft draft, int mode, List<String> notes) {
        com.fasterxml.jackson.databind.node.ContainerNode<?> root = draft.body != null ? draft.body : draft.items;
        if (root == null) {
            if (!draft.method.equals("GET") && !draft.method.equals("HEAD") && mode >= 70 && mode < 85) {
                notes.add("a body where none is expected");
                return JsonMutator.write(random, JsonMutator.oddValue(random));
            }
            return null;
        }
        if (mode < 35 || mode >= 85) {
            return JsonMutator.write(random, root);
        }
        if (mode < 70) {
            JsonMutator.mutate(random, root, notes);
            return JsonMutator.write(random, root);
        }
        return JsonMutator.corrupt(random, JsonMutator.write(random, root), maxBody, notes);
    }

    private Effect effect(Drafts.Draft draft, List<String> ids, String rawSegment, byte[] body) {
        if (rawSegment != null) {
            return Effect.NONE;   // only for methods other than PUT: they name what exists, so a mangled id finds nothing
        }
        List<String> decoded = ids.stream().map(id -> URLDecoder.decode(encode(id), StandardCharsets.UTF_8)).toList();
        return draft.contract.apply(new Drafts.Sent(decoded, body));
    }

    /** A key that is not the fuzz's own: absent, blank, or breaking the id rule (then the request must be refused). */
    private Effect idempotencyKey(List<String[]> headers, List<String> notes, Effect effect) {
        String key = Values.pick(random, List.of("", "   ", "k".repeat(128), "k".repeat(129), "k".repeat(5000), "tab\tinside",
            "\u00E9t\u00E9", "\uD83D\uDE80", " padded "));
        if (random.nextInt(4) == 0) {
            notes.add("no Idempotency-Key");
            return effect;
        }
        headers.add(new String[] {"Idempotency-Key", key});
        notes.add("Idempotency-Key \"" + Text.escape(Text.shorten(key, 20)) + "\"");
        // as the edge reads it: the header's bytes as ISO-8859-1 (a UTF-8 character may become control characters), trimmed
        String read = new String(key.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1).strip();
        return !read.isEmpty() && Limits.idProblem(read).isPresent() ? new Effect.Refused("Idempotency-Key breaks the id rule") : effect;
    }

    /** Who calls: mostly a role the route allows; at times none, a wrong key, a role it does not allow, an odd header. */
    private Effect caller(String route, List<String[]> headers, List<String> notes, Effect effect) {
        Set<Role> allowed = roles.get(route);
        List<Role> may = allowed.isEmpty() ? List.of(Role.ADMIN) : new ArrayList<>(allowed);
        int choice = random.nextInt(100);
        if (choice < 82) {
            Role role = may.contains(Role.ADMIN) && random.nextBoolean() ? Role.ADMIN : Values.pick(random, may);
            String key = keys.get(role);
            String[] header = Values.pick(random, List.of(new String[] {"Authorization", "Bearer " + key},
                new String[] {"Authorization", "Token " + key}, new String[] {"x-api-key", key},
                new String[] {"Authorization", "bearer   " + key + "  "}));
            headers.add(header);
            return effect;
        }
        List<Role> not = new ArrayList<>(List.of(Role.values()));
        not.removeAll(allowed);
        if (choice < 88 && !not.isEmpty() && !allowed.isEmpty()) {
            Role role = Values.pick(random, not);
            headers.add(new String[] {"Authorization", "Bearer " + keys.get(role)});
            notes.add("as " + role + ", which the route does not allow");
            return new Effect.Refused("403");
        }
        String[] odd = Values.pick(random, java.util.Arrays.asList(new String[] {"Authorization", "Bearer"}, new String[] {"Authorization", "Bearer "},
            new String[] {"Authorization", "Basic Zm9vOmJhcg=="}, new String[] {"Authorization", "Bearer fz-not-a-key"},
            new String[] {"x-api-key", "fz-not-a-key"}, new String[] {"Authorization", "Bearer " + "k".repeat(6000)},
            new String[] {"Authorization", "Bearer \u00E9\u00E8"}, new String[] {"Authorization", "Bearer\tfz-not-a-key"}, null));
        if (odd != null) {
            headers.add(odd);
        }
        notes.add(odd == null ? "no key" : "key header " + odd[0] + ": " + Text.escape(Text.shorten(odd[1], 30)));
        return allowed.isEmpty() ? effect : new Effect.Refused("401");
    }

    private byte[] contentType(List<String[]> headers, List<String> notes, byte[] body) {
        int choice = random.nextInt(100);
        if (choice < 85) {
            headers.add(new String[] {"Content-Type", choice < 75 ? "application/json" : "application/json; charset=utf-8"});
            return body;
        }
        if (choice < 88) {
            notes.add("body in UTF-16, said so");
            headers.add(new String[] {"Content-Type", "application/json; charset=UTF-16"});
            return new String(body, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_16);
        }
        if (choice < 91) {
            notes.add("no Content-Type");
            return body;
        }
        String type = Values.pick(random, List.of("text/plain", "application/xml", "application/x-www-form-urlencoded", "*/*",
            "application/json-patch+json", ";;;", "multipart/form-data; boundary=x", "application/json; charset=nope"));
        notes.add("Content-Type " + type);
        headers.add(new String[] {"Content-Type", type});
        return body;
    }

    private void extraHeaders(List<String[]> headers, List<String> notes) {
        int choice = random.nextInt(100);
        if (choice < 10) {
            String accept = Values.pick(random, List.of("text/html", "application/xml", "*/*", "application/json;q=0", "nope/nope", ""));
            headers.add(new String[] {"Accept", accept});
            notes.add("Accept " + accept);
        } else if (choice < 13) {
            headers.add(new String[] {"X-Fuzz", "v".repeat(Values.pick(random, List.of(4000, 7000, 9000, 20_000)))});
            notes.add("a huge header");
        } else if (choice < 15) {
            for (int i = 0; i < 60; i++) {
                headers.add(new String[] {"X-Fuzz-" + i, "value-" + i});
            }
            notes.add("60 extra headers");
        } else if (choice < 17) {
            headers.add(new String[] {"X-Fuzz", "\u00FC\u4E2D\uD83D\uDE80 odd bytes"});
            notes.add("a header with UTF-8 bytes");
        }
    }

    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
