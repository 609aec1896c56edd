package dev.berth.relay.logs;

/**
 * One line of a container's output.
 *
 * @param timestamp when the engine received it (ISO-8601); null if the engine gave none
 * @param stream    {@code stdout} or {@code stderr}
 * @param message   the line without its line break; a longer line than the relay passes on in one piece comes
 *                  as several lines with the same timestamp
 */
public record LogLine(String timestamp, String stream, String message) {
}
