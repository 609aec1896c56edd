package dev.berth.relay.exec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Where UTF-8 text may be cut without splitting a character. */
public final class Utf8 {

    private Utf8() {
    }

    /**
     * The length of {@code bytes[0, length)} without a trailing, incomplete multi-byte sequence: the bytes
     * left out may be completed by what comes next. Invalid bytes count as complete (they decode to a
     * replacement character wherever they are cut).
     */
    public static int completeLength(byte[] bytes, int length) {
        int lead = length - 1;
        // a sequence is at most 4 bytes: look back over at most 3 continuation bytes to its lead byte
        while (lead >= 0 && length - lead <= 4 && (bytes[lead] & 0xC0) == 0x80) {
            lead--;
        }
        if (lead < 0 || length - lead > 4) {
            return length;
        }
        int needed = sequenceLength(bytes[lead]);
        return needed > length - lead ? lead : length;
    }

    private static int sequenceLength(byte lead) {
        int b = lead & 0xFF;
        if (b >= 0xF0 && b <= 0xF4) {
            return 4;
        }
        if (b >= 0xE0) {
            return b <= 0xEF ? 3 : 1;
        }
        return b >= 0xC2 ? 2 : 1;
    }

    /** Decodes one byte stream that arrives in chunks: a character split between chunks comes out whole. */
    static final class Decoder {

        private byte[] pending = new byte[0];

        String decode(byte[] chunk) {
            byte[] bytes = chunk;
            if (pending.length > 0) {
                bytes = Arrays.copyOf(pending, pending.length + chunk.length);
                System.arraycopy(chunk, 0, bytes, pending.length, chunk.length);
            }
            int complete = completeLength(bytes, bytes.length);
            pending = Arrays.copyOfRange(bytes, complete, bytes.length);
            return new String(bytes, 0, complete, StandardCharsets.UTF_8);
        }

        /** What is left at the end of the stream: an incomplete character, as a replacement. */
        String finish() {
            String rest = new String(pending, StandardCharsets.UTF_8);
            pending = new byte[0];
            return rest;
        }
    }
}
