package dev.berth.relay.logs;

import dev.berth.relay.web.RelayException;

/**
 * What part of a container's log to stream.
 *
 * @param tail   how many of the last lines to start with; null for all
 * @param follow whether to keep streaming new lines until the container stops or the client leaves
 */
public record LogsQuery(Integer tail, boolean follow) {

    static final int MAX_TAIL = 10_000;

    /**
     * Reads the query parameters {@code tail} ({@code all} or 0 to {@value #MAX_TAIL}; default all) and
     * {@code follow} ({@code true} or {@code false}; default false).
     *
     * @throws RelayException 400 naming the parameter
     */
    public static LogsQuery parse(String tail, String follow) {
        return new LogsQuery(tail(tail), follow(follow));
    }

    private static Integer tail(String value) {
        if (value == null || value.equalsIgnoreCase("all")) {
            return null;
        }
        try {
            int lines = Integer.parseInt(value);
            if (lines >= 0 && lines <= MAX_TAIL) {
                return lines;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw RelayException.invalid("tail", "must be all or a whole number from 0 to " + MAX_TAIL);
    }

    private static boolean follow(String value) {
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw RelayException.invalid("follow", "must be true or false");
    }
}
