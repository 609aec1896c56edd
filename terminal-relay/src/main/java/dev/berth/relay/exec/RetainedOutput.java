package dev.berth.relay.exec;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The recent output of a background process, bounded: the oldest text goes first. Counted in characters;
 * not thread-safe (its process guards it).
 */
final class RetainedOutput {

    private final int limit;
    private final Deque<ProcessEvent.Output> chunks = new ArrayDeque<>();
    private long size;

    RetainedOutput(int limit) {
        this.limit = limit;
    }

    void add(ProcessEvent.Output output) {
        if (output.text().isEmpty()) {
            return;
        }
        chunks.addLast(output);
        size += output.text().length();
        while (size > limit) {
            ProcessEvent.Output oldest = chunks.removeFirst();
            size -= oldest.text().length();
            if (size < limit) {
                // keep the newest part of the oldest chunk, not starting inside a surrogate pair
                int from = oldest.text().length() - (int) (limit - size);
                if (Character.isLowSurrogate(oldest.text().charAt(from))) {
                    from++;
                }
                String kept = oldest.text().substring(from);
                if (!kept.isEmpty()) {
                    chunks.addFirst(new ProcessEvent.Output(oldest.stream(), kept));
                    size += kept.length();
                }
            }
        }
    }

    List<ProcessEvent.Output> snapshot() {
        return List.copyOf(chunks);
    }
}
