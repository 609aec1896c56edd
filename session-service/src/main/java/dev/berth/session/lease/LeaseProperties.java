package dev.berth.session.lease;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long sessions live.
 *
 * @param maxLifetime       the longest a session may live, however often its lease is extended (time spent
 *                          stopped does not count when {@code pauseWhileStopped})
 * @param sweepInterval     how often expired, idle and stuck sessions are looked for
 * @param warnBefore        how long before expiry the event stream warns (zero: no warning)
 * @param idleTimeout       end a session with no terminal, command, file or preview activity for this long;
 *                          zero (the default) never does
 * @param pauseWhileStopped whether a stopped session's lease clock stops too
 * @param provisionTimeout  a session still REQUESTED after this long (every node full, say) fails
 * @param nodeOfflineAfter  the live sessions of a node silent this long fail
 */
@ConfigurationProperties("berth.leases")
public record LeaseProperties(@DefaultValue("8h") Duration maxLifetime, @DefaultValue("15s") Duration sweepInterval,
        @DefaultValue("5m") Duration warnBefore, @DefaultValue("0s") Duration idleTimeout,
        @DefaultValue("false") boolean pauseWhileStopped, @DefaultValue("5m") Duration provisionTimeout,
        @DefaultValue("3m") Duration nodeOfflineAfter) {
}
