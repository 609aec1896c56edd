package dev.berth.relay.terminal;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How terminals behave on this relay.
 *
 * @param gracePeriod       how long a shell outlives its last viewer, waiting for a reconnect; an ended
 *                          terminal stays listed (with its scrollback and exit code) as long
 * @param scrollback        the recent output replayed to a viewer that (re)connects
 * @param maxPerSession     terminals one session may have running
 * @param maxViewers        connections one terminal may have at once
 * @param viewerBuffer      output waiting for one viewer; when it is full, the shell's output waits
 * @param slowViewerTimeout how long the output waits for a viewer whose buffer is full before it drops that
 *                          viewer
 * @param inputBuffer       typed input waiting for the shell; when it is full, the viewers' input waits
 */
@ConfigurationProperties("berth.terminals")
public record TerminalProperties(@DefaultValue("5m") Duration gracePeriod, @DefaultValue("256KB") DataSize scrollback,
        @DefaultValue("10") int maxPerSession, @DefaultValue("10") int maxViewers,
        @DefaultValue("1MB") DataSize viewerBuffer, @DefaultValue("10s") Duration slowViewerTimeout,
        @DefaultValue("256KB") DataSize inputBuffer) {

    public TerminalProperties {
        if (gracePeriod.isNegative() || slowViewerTimeout.isNegative() || slowViewerTimeout.isZero()) {
            throw new IllegalArgumentException("berth.terminals.grace-period must not be negative and "
                    + "berth.terminals.slow-viewer-timeout must be positive");
        }
        if (scrollback.toBytes() < 0 || scrollback.toBytes() > Integer.MAX_VALUE || viewerBuffer.toBytes() < 1
                || inputBuffer.toBytes() < 1 || maxPerSession < 1 || maxViewers < 1) {
            throw new IllegalArgumentException("berth.terminals: sizes and counts must be positive (scrollback "
                    + "below 2 GB)");
        }
    }
}
