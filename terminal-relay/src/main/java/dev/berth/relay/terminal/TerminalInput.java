package dev.berth.relay.terminal;

import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * What the viewers of a terminal type, on its way to the shell: read by the engine stream's writer thread,
 * filled by the viewers' connections without blocking them. Bounded: when {@code capacity} bytes wait, a
 * viewer's next input is accepted only once the shell has read enough, which holds that viewer's connection
 * back.
 */
final class TerminalInput extends InputStream {

    private final long capacity;
    private final Deque<byte[]> chunks = new ArrayDeque<>();
    private final Deque<Waiting> waiting = new ArrayDeque<>();
    private int offset;
    private long pending;
    private boolean closed;

    TerminalInput(long capacity) {
        this.capacity = capacity;
    }

    /** Queues input; completes once it is queued (at once unless the buffer is full). */
    Mono<Void> offer(byte[] bytes) {
        if (bytes.length == 0) {
            return Mono.empty();
        }
        return Mono.create(sink -> {
            synchronized (this) {
                if (closed) {
                    sink.success();
                    return;
                }
                if (pending >= capacity) {
                    waiting.addLast(new Waiting(bytes, sink));
                    return;
                }
                queue(bytes);
            }
            sink.success();
        });
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int from, int length) {
        if (length == 0) {
            return 0;
        }
        List<MonoSink<Void>> accepted = new ArrayList<>();
        int read = 0;
        synchronized (this) {
            while (chunks.isEmpty() && !closed) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
            if (chunks.isEmpty()) {
                return -1;
            }
            while (read < length && !chunks.isEmpty()) {
                byte[] first = chunks.peekFirst();
                int count = Math.min(length - read, first.length - offset);
                System.arraycopy(first, offset, buffer, from + read, count);
                read += count;
                offset += count;
                if (offset == first.length) {
                    chunks.removeFirst();
                    offset = 0;
                }
            }
            pending -= read;
            while (pending < capacity && !waiting.isEmpty()) {
                Waiting next = waiting.removeFirst();
                queue(next.bytes());
                accepted.add(next.sink());
            }
        }
        accepted.forEach(MonoSink::success);
        return read;
    }

    /** The shell reads the end of its input; input still waiting is dropped. */
    @Override
    public void close() {
        List<Waiting> dropped;
        synchronized (this) {
            closed = true;
            chunks.clear();
            dropped = new ArrayList<>(waiting);
            waiting.clear();
            notifyAll();
        }
        dropped.forEach(next -> next.sink().success());
    }

    private void queue(byte[] bytes) {
        chunks.addLast(bytes);
        pending += bytes.length;
        notifyAll();
    }

    private record Waiting(byte[] bytes, MonoSink<Void> sink) {
    }
}
