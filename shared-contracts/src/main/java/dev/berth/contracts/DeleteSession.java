package dev.berth.contracts;

import java.util.UUID;

/**
 * Command to the node that holds a session: remove its containers and network.
 *
 * @param messageId unique per message, for duplicate detection
 * @param sessionId the session
 * @param sequence  the session's version when the command was issued
 * @param reason    why the session ends ({@code USER}, {@code EXPIRED}, ...)
 */
public record DeleteSession(UUID messageId, UUID sessionId, long sequence, String reason) {
}
