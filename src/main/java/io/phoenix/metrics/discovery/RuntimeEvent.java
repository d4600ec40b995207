package io.phoenix.metrics.discovery;

import io.vertx.core.json.JsonObject;

import java.util.Locale;
import java.util.Optional;

/**
 * A container event from {@code /events}, reduced to what discovery acts on.
 *
 * @param action   Docker's Action, e.g. "start", "die", or "health_status: healthy" (the part before ':' is kept)
 * @param timeNano engine time of the event, used to resume the stream with {@code since}
 */
public record RuntimeEvent(String action, String containerId, long timeNano) {

    /** What discovery does about an event. Closed set: the inventory either re-reads the container or drops it. */
    public sealed interface Reaction permits Refresh, Remove, Ignore {
    }

    public record Refresh(String containerId) implements Reaction {
    }

    public record Remove(String containerId) implements Reaction {
    }

    public record Ignore() implements Reaction {
    }

    /** Empty for events that are not about a container (the stream is filtered, but engines differ). */
    public static Optional<RuntimeEvent> parse(JsonObject json) {
        String type = json.getValue("Type") instanceof String t ? t : null;
        if (type != null && !type.equals("container")) {
            return Optional.empty();
        }
        String action = json.getValue("Action") instanceof String a ? a : json.getValue("status") instanceof String s ? s : null;
        String id = json.getValue("Actor") instanceof JsonObject actor && actor.getValue("ID") instanceof String actorId
                ? actorId : json.getValue("id") instanceof String legacyId ? legacyId : null;
        if (action == null || id == null || id.isEmpty()) {
            return Optional.empty();
        }
        int colon = action.indexOf(':');
        String verb = (colon < 0 ? action : action.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
        long timeNano = json.getValue("timeNano") instanceof Number n ? n.longValue()
                : json.getValue("time") instanceof Number t ? t.longValue() * 1_000_000_000L : 0L;
        return Optional.of(new RuntimeEvent(verb, id, timeNano));
    }

    /**
     * Removal drops the container at once; anything that can change state, name or health re-inspects it, so
     * the inventory always holds what the engine says rather than what the event implies. Exec, attach and
     * similar chatter changes nothing we track.
     */
    public Reaction reaction() {
        return switch (action) {
            case "destroy", "remove" -> new Remove(containerId);
            case "create", "start", "restart", "die", "stop", "kill", "oom", "pause", "unpause", "rename",
                 "health_status", "update", "died", "init", "cleanup" -> new Refresh(containerId);
            default -> new Ignore();
        };
    }
}
