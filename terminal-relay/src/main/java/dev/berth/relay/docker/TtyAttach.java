package dev.berth.relay.docker;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;

/**
 * Starts an exec that has a TTY on a connection of its own to the engine (unix socket or plain tcp) and carries
 * its raw stream both ways, each on a thread of its own: what is typed goes to the engine in writes of up to
 * 64 KB as it comes, and output is read up to 64 KB at a time: the first piece of a burst at once, the rest
 * after it gathered for {@link #GATHER}, or at once while reads fill the buffer (so the pause never caps the
 * rate). docker-java's attach copies input 1 KB per write, which costs the engine a read for each. The
 * callback hears of the stream as docker-java's would: onStart once the engine upgraded the connection, onNext
 * for output, onComplete at its end, onError when the engine refused the exec (a docker-java exception) or the
 * connection broke.
 */
final class TtyAttach implements Closeable {

    private static final int CHUNK = 64 * 1024;
    /** A read of at least this many bytes means output streams; a keystroke's echo is far smaller. */
    private static final int STREAMING = 1024;
    /** How long streaming output gathers before the next read. */
    private static final Duration GATHER = Duration.ofMillis(2);

    private final SocketChannel channel;

    private TtyAttach(SocketChannel channel) {
        this.channel = channel;
    }

    /** Whether the engine at {@code host} can be reached this way: unix sockets and tcp without TLS. */
    static boolean reaches(URI host) {
        return "unix".equals(host.getScheme()) || ("tcp".equals(host.getScheme()) && !EngineStreams.tlsVerify());
    }

    /** Starts exec {@code execId}; blocks until the engine answers, then returns. */
    static void start(URI host, String execId, InputStream input, ResultCallback<Frame> callback) {
        SocketChannel channel = null;
        try {
            SocketAddress address = "unix".equals(host.getScheme()) ? UnixDomainSocketAddress.of(host.getPath())
                    : new InetSocketAddress(host.getHost(), host.getPort());
            channel = SocketChannel.open(address);
            write(channel, ByteBuffer.wrap(EngineStreams.startRequest(execId, true)
                    .getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer read = ByteBuffer.allocate(CHUNK);
            int end;
            while ((end = endOfHeaders(read)) < 0) {
                if (!read.hasRemaining() || channel.read(read) < 0) {
                    throw new DockerException("The engine closed the exec stream before it answered", 500);
                }
            }
            String head = new String(read.array(), 0, end, StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(head.substring(9, 12));
            if (status != 101 && status != 200) {
                throw refusal(status, channel, read, end);
            }
            TtyAttach attach = new TtyAttach(channel);
            callback.onStart(attach);
            byte[] early = Arrays.copyOfRange(read.array(), end + 4, read.position());
            // platform threads block in read() and write() themselves; a virtual thread would make the socket
            // non-blocking for good and go through the poller and the carrier pool at every read, which costs
            // several times the CPU of the copy at terminal speeds
            Thread.Builder threads = Thread.ofPlatform().daemon().stackSize(256 * 1024);
            threads.name("tty-out-" + execId).start(() -> attach.readOutput(early, callback));
            threads.name("tty-in-" + execId).start(() -> attach.writeInput(input));
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            callback.onError(e instanceof DockerException ? e : new DockerException("The exec stream of " + execId
                    + " could not be opened: " + e, 500));
        }
    }

    private void readOutput(byte[] early, ResultCallback<Frame> callback) {
        try {
            if (early.length > 0) {
                callback.onNext(new Frame(StreamType.RAW, early));
            }
            ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
            while (channel.read(buffer.clear()) >= 0) {
                if (buffer.position() > 0) {
                    callback.onNext(new Frame(StreamType.RAW, Arrays.copyOf(buffer.array(), buffer.position())));
                }
                if (buffer.position() >= STREAMING && buffer.hasRemaining()) {
                    // output streams, and comes from the engine a few KB at a time: let it gather for the next
                    // read, so it goes on in few large pieces rather than many small ones (each wakes this
                    // thread, the event loop and every hop after it)
                    LockSupport.parkNanos(GATHER.toNanos());
                }
            }
            callback.onComplete();
        } catch (IOException | RuntimeException e) {
            callback.onError(e);
        } finally {
            closeQuietly(this);
        }
    }

    private void writeInput(InputStream input) {
        byte[] chunk = new byte[CHUNK];
        try (input) {
            for (int n; (n = input.read(chunk)) >= 0;) {
                write(channel, ByteBuffer.wrap(chunk, 0, n));
            }
            channel.shutdownOutput();
        } catch (IOException | RuntimeException e) {
            // the stream is gone: its output side says so
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static void write(SocketChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** Where the blank line after the headers starts, or -1 while it has not come. */
    private static int endOfHeaders(ByteBuffer read) {
        byte[] bytes = read.array();
        for (int i = 0; i + 3 < read.position(); i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The engine's refusal, with the message of its JSON body as far as it came with the answer. */
    private static DockerException refusal(int status, SocketChannel channel, ByteBuffer read, int end)
            throws IOException {
        String body = new String(read.array(), end + 4, read.position() - end - 4, StandardCharsets.UTF_8);
        channel.close();
        // the body may come in chunks: its JSON object is what counts
        int from = body.indexOf('{');
        int to = body.lastIndexOf('}');
        return EngineStreams.refusal(status, from >= 0 && to > from ? body.substring(from, to + 1) : body);
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException e) {
            // gone either way
        }
    }
}
