package io.phoenix.metrics.live;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * An event's serialized forms, one per wire format and metric filter, made by the first client that writes it and
 * reused by every other: N clients cost one serialization, not N.
 */
public final class Memo {

    private final ConcurrentHashMap<String, Object> forms = new ConcurrentHashMap<>(2);

    @SuppressWarnings("unchecked")
    public <T> T get(String key, Function<String, T> make) {
        return (T) forms.computeIfAbsent(key, make);
    }
}
