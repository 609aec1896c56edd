package dev.berth.relay.exec;

/**
 * How a command run in the foreground ended.
 *
 * @param exitCode        null when it timed out (it was killed) or the engine could not tell
 * @param stdoutTruncated whether stdout went on beyond what is kept ({@code berth.exec.max-output})
 * @param timedOut        whether it was killed for running past its timeout
 */
public record CommandResult(Integer exitCode, String stdout, String stderr, boolean stdoutTruncated,
        boolean stderrTruncated, boolean timedOut, long durationMs) {
}
