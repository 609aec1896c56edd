package dev.berth.relay.terminal;

/** The most recent output of a terminal, in a ring of fixed size. Not thread-safe: its terminal guards it. */
final class Scrollback {

    private final byte[] ring;
    private long written;

    Scrollback(int size) {
        this.ring = new byte[size];
    }

    void add(byte[] bytes) {
        if (ring.length == 0) {
            return;
        }
        int from = Math.max(0, bytes.length - ring.length);
        for (int i = from; i < bytes.length; ) {
            int at = (int) (written % ring.length);
            int length = Math.min(bytes.length - i, ring.length - at);
            System.arraycopy(bytes, i, ring, at, length);
            i += length;
            written += length;
        }
    }

    /** The kept output, oldest first. */
    byte[] snapshot() {
        int size = (int) Math.min(written, ring.length);
        byte[] copy = new byte[size];
        int start = (int) ((written - size) % Math.max(1, ring.length));
        int first = Math.min(size, ring.length - start);
        System.arraycopy(ring, start, copy, 0, first);
        System.arraycopy(ring, 0, copy, first, size - first);
        return copy;
    }
}
