package dev.allotment.services.fuzz;

/** Strings for reports: shortened, and with every control and non-ASCII character escaped so a report prints as it was sent. */
final class Text {
    private Text() {}

    static String shorten(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "…(" + s.length() + " chars)";
    }

    static String escape(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04X", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
