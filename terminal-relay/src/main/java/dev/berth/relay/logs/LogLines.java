package dev.berth.relay.logs;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.berth.relay.exec.Utf8;

/**
 * Splits the frames of a container's log, as the engine sends them with timestamps
 * ({@code 2026-11-23T11:52:58.800000694Z message\n}), into lines, keeping a partial line per stream between
 * frames. A container without a TTY gets one frame per log message, each with its timestamp; the engine
 * stores a long line as several messages (16 KB each), which come together again here under the first
 * timestamp. A line longer than {@code maxLine} bytes goes out in pieces of at most that size (cut between
 * characters), each with the line's timestamp, so nothing is held beyond that. Not thread-safe.
 */
final class LogLines {

    /** Longest timestamp prefix looked for at the start of a line. */
    private static final int MAX_PREFIX = 64;

    private final int maxLine;
    private final Map<String, Partial> partials = new HashMap<>();

    LogLines(int maxLine) {
        if (maxLine < MAX_PREFIX) {
            throw new IllegalArgumentException("maxLine must be at least " + MAX_PREFIX);
        }
        this.maxLine = maxLine;
    }

    /**
     * The lines completed by a frame of {@code stream}.
     *
     * @param message whether the frame holds one log message (a container without a TTY), so that it starts
     *                with its timestamp even in the middle of a line; else (a TTY's raw stream) timestamps are
     *                looked for at the start of lines only
     */
    List<LogLine> accept(String stream, byte[] payload, boolean message) {
        Partial partial = partials.computeIfAbsent(stream, name -> new Partial(maxLine));
        List<LogLine> lines = new ArrayList<>();
        int start = message ? partial.messagePrefix(payload) : 0;
        for (int i = start; i < payload.length; i++) {
            byte b = payload[i];
            if (b == '\n') {
                lines.add(partial.take(stream, true));
                continue;
            }
            partial.add(b);
            if (partial.length == maxLine) {
                lines.add(partial.take(stream, false));
            }
        }
        return lines;
    }

    /** What is left once the log ended: the last line of each stream, if it had no line break. */
    List<LogLine> finish() {
        List<LogLine> lines = new ArrayList<>();
        partials.forEach((stream, partial) -> {
            if (partial.length > 0) {
                lines.add(partial.take(stream, true));
            }
        });
        return lines;
    }

    /** The line being read on one stream. */
    private static final class Partial {

        private final byte[] bytes;
        private int length;
        /** Whether the start of the line has been looked at for a timestamp. */
        private boolean prefixRead;
        private String timestamp;

        Partial(int maxLine) {
            this.bytes = new byte[maxLine];
        }

        /**
         * Reads the timestamp at the start of a message: the line's own when the line starts with it, else
         * (the continuation of a long line) dropped.
         *
         * @return where the message's text starts
         */
        int messagePrefix(byte[] message) {
            int end = Math.min(message.length, MAX_PREFIX);
            for (int i = 0; i < end; i++) {
                if (message[i] == ' ') {
                    String found = timestamp(new String(message, 0, i, StandardCharsets.US_ASCII));
                    if (found == null) {
                        return 0;
                    }
                    if (!prefixRead) {
                        timestamp = found;
                        prefixRead = true;
                    }
                    return i + 1;
                }
            }
            return 0;
        }

        void add(byte b) {
            bytes[length++] = b;
            if (prefixRead) {
                return;
            }
            if (b == ' ') {
                timestamp = timestamp(new String(bytes, 0, length - 1, StandardCharsets.US_ASCII));
                prefixRead = true;
                if (timestamp != null) {
                    length = 0;
                }
            } else if (length >= MAX_PREFIX) {
                prefixRead = true;
            }
        }

        /** The line so far (all of it at its end, else a piece cut between characters). */
        LogLine take(String stream, boolean endOfLine) {
            int cut = endOfLine ? length : Utf8.completeLength(bytes, length);
            if (cut == 0) {
                cut = length;
            }
            int end = cut;
            if (endOfLine && end > 0 && bytes[end - 1] == '\r') {
                end--;
            }
            LogLine line = new LogLine(timestamp, stream, new String(bytes, 0, end, StandardCharsets.UTF_8));
            System.arraycopy(bytes, cut, bytes, 0, length - cut);
            length -= cut;
            if (endOfLine) {
                prefixRead = false;
                timestamp = null;
            }
            return line;
        }

        private static String timestamp(String prefix) {
            try {
                return Instant.parse(prefix).toString();
            } catch (DateTimeParseException e) {
                return null;
            }
        }
    }
}
