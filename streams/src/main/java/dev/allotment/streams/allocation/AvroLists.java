package dev.allotment.streams.allocation;

import java.util.List;

/** What Avro's lists need that {@link List} does not give them. */
public final class AvroLists {
    private AvroLists() {}

    /** Removes {@code element} itself; Avro's decoded arrays remove by index only, and its equals fails on nullable timestamps. */
    public static <T> void removeIdentical(List<T> list, T element) {
        for (int at = 0; at < list.size(); at++) {
            if (list.get(at) == element) {
                list.remove(at);
                return;
            }
        }
    }
}
