package dev.berth.session.lease;

import java.time.Instant;
import java.util.UUID;

/**
 * How far a lease was extended.
 *
 * @param extendedBySeconds how much later the lease ends now (less than asked when capped)
 * @param capped            whether the maximum lifetime cut the extension short
 * @param maxExpiresAt      the latest the lease can end
 */
public record LeaseExtension(UUID sessionId, Instant previousExpiresAt, Instant expiresAt, int requestedMinutes,
        long extendedBySeconds, boolean capped, Instant maxExpiresAt, long remainingSeconds) {
}
