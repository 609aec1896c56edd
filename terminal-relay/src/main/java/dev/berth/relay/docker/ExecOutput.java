package dev.berth.relay.docker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import io.netty.buffer.ByteBuf;

/**
 * What a process without a TTY wrote, as far as it was kept.
 *
 * @param stdout    its stdout, up to the size asked for
 * @param truncated whether stdout went on past that
 * @param stderr    its stderr, up to {@link #MAX_STDERR} bytes
 */
public record ExecOutput(byte[] stdout, boolean truncated, String stderr) {

    public static final int MAX_STDERR = 8 * 1024;

    /**
     * Reads the engine's answer to an exec start on a connection of its own: the HTTP head, then either the
     * process's output, multiplexed in frames (a header of 8 bytes: the stream, three zeros, the payload's length
     * as four bytes, big-endian), or the body of a refusal.
     */
    static final class Reader {

        private static final int MAX_HEAD = 16 * 1024;
        private static final int END_OF_HEAD = ('\r' << 24) | ('\n' << 16) | ('\r' << 8) | '\n';

        private final int maxStdout;
        private final ByteArrayOutputStream head = new ByteArrayOutputStream();
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        private final byte[] frameHeader = new byte[8];
        private int status;
        private int lastFour;
        private long refusalLength = -1;
        private int headerFilled;
        private int stream;
        private long remaining;
        private boolean truncated;
        private boolean sawStdout;

        Reader(int maxStdout) {
            this.maxStdout = maxStdout;
        }

        void read(ByteBuf bytes) {
            while (bytes.isReadable()) {
                if (status == 0) {
                    readHead(bytes);
                } else if (!upgraded()) {
                    copy(bytes, head, bytes.readableBytes(), MAX_HEAD);
                } else if (headerFilled < frameHeader.length) {
                    int n = Math.min(bytes.readableBytes(), frameHeader.length - headerFilled);
                    bytes.readBytes(frameHeader, headerFilled, n);
                    headerFilled += n;
                    if (headerFilled == frameHeader.length) {
                        stream = frameHeader[0];
                        remaining = ((frameHeader[4] & 0xffL) << 24) | ((frameHeader[5] & 0xff) << 16)
                                | ((frameHeader[6] & 0xff) << 8) | (frameHeader[7] & 0xff);
                        headerFilled = remaining == 0 ? 0 : frameHeader.length;
                    }
                } else {
                    int n = (int) Math.min(bytes.readableBytes(), remaining);
                    keep(bytes, n);
                    remaining -= n;
                    if (remaining == 0) {
                        headerFilled = 0;
                    }
                }
            }
        }

        private void readHead(ByteBuf bytes) {
            while (bytes.isReadable() && status == 0) {
                byte next = bytes.readByte();
                head.write(next);
                lastFour = lastFour << 8 | (next & 0xff);
                if (lastFour == END_OF_HEAD) {
                    String text = head.toString(StandardCharsets.ISO_8859_1);
                    status = text.length() >= 12 ? Integer.parseInt(text.substring(9, 12)) : 500;
                    for (String line : text.split("\r\n")) {
                        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                            refusalLength = Long.parseLong(line.substring(15).strip());
                        }
                    }
                    head.reset();
                } else if (head.size() > MAX_HEAD) {
                    status = 502;
                    head.reset();
                }
            }
        }

        private void keep(ByteBuf bytes, int n) {
            if (stream == 2) {
                copy(bytes, stderr, n, MAX_STDERR);
                return;
            }
            sawStdout |= n > 0;
            truncated |= !copy(bytes, stdout, n, maxStdout);
        }

        /** Moves {@code n} bytes to {@code out}, keeping it at most {@code max} long; false when some were dropped. */
        private static boolean copy(ByteBuf bytes, ByteArrayOutputStream out, int n, int max) {
            int kept = Math.min(n, Math.max(0, max - out.size()));
            byte[] taken = new byte[kept];
            bytes.readBytes(taken);
            out.write(taken, 0, kept);
            bytes.skipBytes(n - kept);
            return kept == n;
        }

        /** The status of the engine's answer; 0 until its head came. */
        int status() {
            return status;
        }

        /** Whether the engine started the process and its stream follows. */
        boolean upgraded() {
            return status == 101 || status == 200;
        }

        /** Whether the whole of a refusal came: the answer will not go on. */
        boolean refusedInFull() {
            return status != 0 && !upgraded() && refusalLength >= 0 && head.size() >= refusalLength;
        }

        /** What the engine said when it refused. */
        String refusal() {
            return head.toString(StandardCharsets.UTF_8);
        }

        /** The first line the process wrote to stdout (without its end), or null while it has not ended. */
        String firstLine() {
            if (!sawStdout) {
                return null;
            }
            String seen = stdout.toString(StandardCharsets.UTF_8);
            int end = seen.indexOf('\n');
            return end < 0 ? null : seen.substring(0, end);
        }

        ExecOutput output() {
            return new ExecOutput(stdout.toByteArray(), truncated, stderr.toString(StandardCharsets.UTF_8));
        }
    }
}
