package dev.berth.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A terminal's WebSocket as a client sees it: the bytes the terminal wrote (binary frames), the control
 * messages it sent (text frames), and how the server closed it.
 */
final class TerminalClient implements WebSocket.Listener, AutoCloseable {

    /**
     * Hands each message to the listener on the thread that read it, as a browser's page gets it: the JDK's
     * default passes every message to another thread first, which on two cores made this client, not the
     * terminal, the slowest part of 64 MB of output.
     */
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Runnable::run).build();

    private final boolean keep;
    private byte[] output = new byte[64 * 1024];
    private long size;
    private final BlockingQueue<String> controls = new LinkedBlockingQueue<>();
    private final CompletableFuture<WebSocketClient.Close> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    private TerminalClient(boolean keep) {
        this.keep = keep;
    }

    /** Connects to an {@code http://} URL (as {@code ws://}); with a bearer token unless it is null. */
    static TerminalClient connect(String httpUrl, String token) throws Exception {
        return connect(httpUrl, token, true);
    }

    /**
     * Connects to an {@code http://} URL (as {@code ws://}); with a bearer token unless it is null.
     *
     * @param keep whether to keep the output, or only count it
     */
    static TerminalClient connect(String httpUrl, String token, boolean keep) throws Exception {
        TerminalClient client = new TerminalClient(keep);
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        client.socket = builder.buildAsync(URI.create(httpUrl.replaceFirst("^http", "ws")), client)
                .get(10, TimeUnit.SECONDS);
        return client;
    }

    /** Sends keystrokes as one binary frame. */
    void type(String text) {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
    }

    void control(String json) {
        socket.sendText(json, true).join();
    }

    /** Everything the terminal wrote so far, as text. */
    synchronized String text() {
        return new String(output, 0, (int) Math.min(size, output.length), StandardCharsets.UTF_8);
    }

    /** How many bytes the terminal wrote so far. */
    synchronized long size() {
        return size;
    }

    /** Waits until the terminal has written at least {@code bytes} bytes. */
    synchronized void awaitSize(long bytes, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (size < bytes) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("only " + size + " of " + bytes + " bytes within " + timeout);
            }
            wait(left / 1_000_000, (int) (left % 1_000_000));
        }
    }

    /** Waits until the output holds {@code expected}; answers all the output. */
    String await(String expected, Duration timeout) throws InterruptedException {
        byte[] needle = expected.getBytes(StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + timeout.toNanos();
        int from = 0;
        synchronized (this) {
            while (true) {
                int found = indexOf(needle, from);
                if (found >= 0) {
                    break;
                }
                from = (int) Math.max(0, size - needle.length + 1);
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no \"" + expected + "\" within " + timeout + " in the output:\n"
                            + tail(text()));
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return text();
        }
    }

    /** The next control message; null if none came in time. */
    String nextControl(Duration timeout) throws InterruptedException {
        return controls.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    WebSocketClient.Close awaitClose(Duration timeout) throws Exception {
        return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(Long.MAX_VALUE);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        int length = data.remaining();
        synchronized (this) {
            if (keep) {
                if (size + length > output.length) {
                    output = Arrays.copyOf(output, Math.max(output.length * 2, (int) size + length));
                }
                data.get(output, (int) size, length);
            }
            size += length;
            notifyAll();
        }
        return null;
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            controls.add(partial.toString());
            partial.setLength(0);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new WebSocketClient.Close(statusCode, reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    /** Drops the connection as a closing browser tab would. */
    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            socket.abort();
        }
    }

    private int indexOf(byte[] needle, int from) {
        outer:
        for (int i = from; i <= (int) size - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (output[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String tail(String text) {
        return text.length() <= 2000 ? text : "..." + text.substring(text.length() - 2000);
    }
}
