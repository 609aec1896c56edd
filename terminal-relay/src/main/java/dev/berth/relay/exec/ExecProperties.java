package dev.berth.relay.exec;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Bounds of the commands run in sessions.
 *
 * @param maxOutput        what a command's answer holds of each of stdout and stderr; the rest is read and
 *                         dropped
 * @param retainedOutput   the recent output kept per background process, replayed to whoever follows it
 * @param maxBackground    background processes running at once per session
 * @param killGrace        how long a process has to end after TERM before it gets KILL
 * @param endedRetention   how long an ended background process stays listed with its output
 */
@ConfigurationProperties("berth.exec")
public record ExecProperties(@DefaultValue("1MB") DataSize maxOutput, @DefaultValue("256KB") DataSize retainedOutput,
        @DefaultValue("20") int maxBackground, @DefaultValue("2s") Duration killGrace,
        @DefaultValue("10m") Duration endedRetention) {

    public ExecProperties {
        if (maxOutput.toBytes() < 1 || maxOutput.toBytes() > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("berth.exec.max-output must be between 1 byte and 1GB");
        }
        if (retainedOutput.toBytes() < 1 || retainedOutput.toBytes() > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("berth.exec.retained-output must be between 1 byte and 1GB");
        }
        if (maxBackground < 1) {
            throw new IllegalArgumentException("berth.exec.max-background must be at least 1");
        }
    }
}
