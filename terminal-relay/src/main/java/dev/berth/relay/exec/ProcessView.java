package dev.berth.relay.exec;

import java.time.Instant;
import java.util.UUID;

/**
 * A background process as the API shows it.
 *
 * @param container the session's container it runs in
 * @param command  the command as given: an argv array, or a shell string
 * @param exitCode null while it runs, or when the engine could not tell (it ended with its session)
 * @param endedAt  null while it runs
 */
public record ProcessView(String processId, String container, Object command, ProcessStatus status, Integer exitCode,
        Instant startedAt, Instant endedAt, Links links) {

    /** Where the process and its output are. */
    public record Links(String self, String output) {

        static Links of(UUID sessionId, String processId) {
            String self = "/api/v1/sessions/" + sessionId + "/processes/" + processId;
            return new Links(self, self + "/output");
        }
    }
}
