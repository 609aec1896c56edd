package dev.berth.relay.exec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One output stream of a command, kept up to a limit: what comes beyond it is counted and dropped, and the
 * text is cut there. Written by one thread, read once the stream has ended.
 */
final class BoundedOutput {

    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private boolean truncated;

    BoundedOutput(int limit) {
        this.limit = limit;
    }

    void write(byte[] bytes) {
        int room = limit - kept.size();
        if (bytes.length > room) {
            truncated = true;
        }
        kept.write(bytes, 0, Math.min(room, bytes.length));
    }

    boolean truncated() {
        return truncated;
    }

    /**
     * The kept bytes as UTF-8, invalid sequences replaced; a character cut in two by the limit is left out
     * rather than shown as a replacement.
     */
    String text() {
        byte[] bytes = kept.toByteArray();
        int length = truncated ? Utf8.completeLength(bytes, bytes.length) : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
