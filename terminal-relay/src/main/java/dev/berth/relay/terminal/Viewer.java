package dev.berth.relay.terminal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

import org.springframework.web.reactive.socket.CloseStatus;

import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * One connection watching a terminal: the output waiting for it, sent as fast as the connection takes it
 * (what comes while the connection is busy is gathered into frames of up to {@value #MAX_FRAME} bytes), and
 * control messages in order with the output.
 * The output waits while this viewer's buffer is full; a viewer that stays full too long is dropped, so one
 * slow connection neither grows the relay's memory nor stalls the others for good.
 */
final class Viewer {

    /** The largest binary frame sent, well under the WebSocket frame limits of the gateway and browsers. */
    static final int MAX_FRAME = 32 * 1024;
    static final CloseStatus TOO_SLOW = new CloseStatus(4408,
            "Too slow: the client did not keep up with the output; reconnect to get the recent output");

    /** What goes out: raw output bytes, or a JSON control message. */
    record Outbound(byte[] bytes, String control) {
    }

    private final long capacity;
    private final Deque<Outbound> queue = new ArrayDeque<>();
    /** The frame being filled, after those queued; its first {@code open} bytes are output. */
    private final byte[] frame = new byte[MAX_FRAME];
    private int open;
    private final Flux<Outbound> outbound;
    private FluxSink<Outbound> sink;
    private long pending;
    private boolean draining;
    private boolean finished;
    private CloseStatus closeStatus = CloseStatus.NORMAL;

    Viewer(long capacity) {
        this.capacity = capacity;
        this.outbound = Flux.<Outbound>create(created -> {
            synchronized (this) {
                sink = created;
            }
            created.onRequest(requested -> drain());
            created.onDispose(this::disconnected);
        });
    }

    /** What to send, as the connection asks for it; completes when the viewer is finished. */
    Flux<Outbound> outbound() {
        return outbound;
    }

    /** How the connection is to be closed once the outbound messages are sent. */
    synchronized CloseStatus closeStatus() {
        return closeStatus;
    }

    /**
     * Queues output, waiting up to {@code patience} for room; drops the viewer if none comes. Called by the
     * terminal's output thread, never an event loop.
     */
    void output(byte[] bytes, Duration patience) {
        synchronized (this) {
            long deadline = System.nanoTime() + patience.toNanos();
            while (!finished && pending > 0 && pending + bytes.length > capacity) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    finish(TOO_SLOW, null);
                    return;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (finished) {
                return;
            }
            for (int from = 0; from < bytes.length; ) {
                int length = Math.min(bytes.length - from, MAX_FRAME - open);
                System.arraycopy(bytes, from, frame, open, length);
                open += length;
                from += length;
                if (open == MAX_FRAME) {
                    close();
                }
            }
            pending += bytes.length;
        }
        drain();
    }

    /** Queues a control message after the output queued so far. */
    void control(String message) {
        synchronized (this) {
            if (finished) {
                return;
            }
            close();
            queue.addLast(new Outbound(null, message));
        }
        drain();
    }

    /**
     * Ends this viewer: what is queued goes out, then {@code last} (if not null), then the connection is closed
     * with {@code status}. A viewer dropped for being slow loses its queue.
     */
    void finish(CloseStatus status, String last) {
        synchronized (this) {
            if (finished) {
                return;
            }
            if (status == TOO_SLOW) {
                queue.clear();
                open = 0;
                pending = 0;
            }
            close();
            if (last != null) {
                queue.addLast(new Outbound(null, last));
            }
            finished = true;
            closeStatus = status;
            notifyAll();
        }
        drain();
    }

    synchronized boolean finished() {
        return finished;
    }

    private synchronized void disconnected() {
        finished = true;
        queue.clear();
        open = 0;
        pending = 0;
        notifyAll();
    }

    /** Queues the frame being filled, if it holds anything. */
    private void close() {
        if (open > 0) {
            queue.addLast(new Outbound(Arrays.copyOf(frame, open), null));
            open = 0;
        }
    }

    /**
     * Sends what the connection has asked for, the frame being filled too when nothing else waits; completes
     * the stream once a finished viewer's queue is out.
     */
    private synchronized void drain() {
        if (draining || sink == null) {
            return;
        }
        draining = true;
        try {
            while (sink.requestedFromDownstream() > 0 && !sink.isCancelled()) {
                if (queue.isEmpty()) {
                    close();
                }
                Outbound next = queue.pollFirst();
                if (next == null) {
                    break;
                }
                if (next.bytes() != null) {
                    pending -= next.bytes().length;
                }
                notifyAll();
                sink.next(next);
            }
            if (finished && queue.isEmpty() && open == 0) {
                sink.complete();
            }
        } finally {
            draining = false;
        }
    }
}
