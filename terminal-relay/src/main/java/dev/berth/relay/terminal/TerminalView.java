package dev.berth.relay.terminal;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A terminal as its owner sees it.
 *
 * @param container the session's container it runs in
 * @param exitCode the shell's exit code once it EXITED; null while it runs, or when the session's container
 *                 went away under it
 * @param viewers  the connections watching it now
 */
public record TerminalView(String id, String container, List<String> command, Status status, Integer exitCode, int cols,
        int rows, int viewers, Instant createdAt, Instant endedAt, Links links) {

    public enum Status { RUNNING, EXITED }

    /**
     * @param ws     the WebSocket to connect to, with {@code ?ticket=}
     * @param ticket where to get a fresh ticket (POST)
     */
    public record Links(String self, String ws, String ticket) {

        static Links of(UUID sessionId, String terminalId) {
            String self = "/api/v1/sessions/" + sessionId + "/terminals/" + terminalId;
            return new Links(self, self + "/ws", self + "/ticket");
        }
    }
}
