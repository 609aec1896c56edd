package dev.berth.provisioner.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.stereotype.Component;

/**
 * Sessions whose containers this provisioner is stopping or removing itself: their exits are answers to
 * commands, not news. Each mark lasts a little past the operation, for the engine's event to arrive.
 */
@Component
public class ExpectedExits {

    private static final Duration AFTERGLOW = Duration.ofSeconds(5);

    private final Map<UUID, Instant> quietUntil = new ConcurrentHashMap<>();
    private final Clock clock;

    public ExpectedExits(Clock clock) {
        this.clock = clock;
    }

    /** Runs an operation during which (and shortly after which) the session's containers may exit. */
    public <T> T during(UUID sessionId, java.util.function.Supplier<T> operation) {
        quietUntil.put(sessionId, Instant.MAX);
        try {
            return operation.get();
        } finally {
            quietUntil.put(sessionId, clock.instant().plus(AFTERGLOW));
        }
    }

    public boolean expected(UUID sessionId) {
        Instant until = quietUntil.get(sessionId);
        if (until == null) {
            return false;
        }
        if (until.isBefore(clock.instant())) {
            quietUntil.remove(sessionId, until);
            return false;
        }
        return true;
    }
}
