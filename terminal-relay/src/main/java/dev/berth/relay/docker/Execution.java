package dev.berth.relay.docker;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;

/**
 * A process the relay runs in a session container: a command without a TTY, reading no input, or a terminal
 * (a TTY, reading its input from a stream). Its output goes to a {@link Listener} as it comes, on the thread
 * docker-java gives the stream; a listener that blocks holds the engine's stream back. {@link #ended()}
 * completes when the stream ends, or when the relay stops reading it, and fails when the engine did not
 * start the process.
 */
public final class Execution implements ResultCallback<Frame> {

    public static final String STDOUT = "stdout";
    public static final String STDERR = "stderr";
    private static final long STREAM_BROKEN = 126;

    private static final Logger log = LoggerFactory.getLogger(Execution.class);

    /** Receives output; called from one thread at a time. */
    public interface Listener {

        void output(String stream, byte[] bytes);
    }

    private final ContainerProcesses processes;
    private final String containerId;
    private final String processId;
    private final Listener listener;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private String execId;
    private Closeable stream;
    private boolean closed;

    private Execution(ContainerProcesses processes, String containerId, String processId, Listener listener) {
        this.processes = processes;
        this.containerId = containerId;
        this.processId = processId;
        this.listener = listener;
    }

    /**
     * Creates and starts a process marked with {@code processId}. Blocks: call it off the event loop.
     *
     * @param cwd           null for the container's working directory
     * @param terminalInput what is typed, for a process with a TTY; null for a command without one
     */
    public static Execution start(DockerClient streams, ContainerProcesses processes, String containerId,
            String processId, List<String> argv, String cwd, Map<String, String> env, InputStream terminalInput,
            Listener listener) {
        Execution execution = new Execution(processes, containerId, processId, listener);
        boolean tty = terminalInput != null;
        execution.execId = processes.create(containerId, processId, argv, tty, tty, cwd, env);
        if (tty) {
            processes.startTty(streams, execution.execId, terminalInput, execution);
        } else {
            streams.execStartCmd(execution.execId).exec(execution);
        }
        return execution;
    }

    /** Docker's id of the exec. */
    public String execId() {
        return execId;
    }

    public CompletableFuture<Void> ended() {
        return ended;
    }

    /**
     * The command's exit code, once {@link #ended()}; null when it is not known (its container stopped or is
     * gone, or the relay stopped reading while it still ran). Blocks.
     */
    public Integer exitCode() {
        // the engine may note the exit a moment after the output ended
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                Long code = processes.exitCode(execId);
                if (code != null) {
                    // an exec whose stream broke as its container stopped gets 126, "command cannot execute"
                    return code == STREAM_BROKEN && !processes.running(containerId) ? null : code.intValue();
                }
            } catch (NotFoundException e) {
                return null;
            } catch (RuntimeException e) {
                log.debug("Could not inspect exec {}: {}", execId, e.toString());
                return null;
            }
            if (!pause(Duration.ofMillis(20))) {
                return null;
            }
        }
        return null;
    }

    /**
     * Ends the command and everything it started: TERM, then KILL to what is left after {@code grace}; if the
     * output is still open after another {@code grace} (held by a process that shed the mark), the relay stops
     * reading it. Blocks, at most about twice {@code grace} plus the engine calls.
     */
    public void terminate(Duration grace) {
        processes.kill(containerId, processId, "TERM");
        if (awaitEnd(grace)) {
            return;
        }
        processes.kill(containerId, processId, "KILL");
        if (!awaitEnd(grace)) {
            log.info("Process {} in container {} kept its output open after KILL; no longer reading it", processId,
                    containerId);
            close();
        }
    }

    private boolean awaitEnd(Duration timeout) {
        try {
            ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return ended.isDone();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void onStart(Closeable stream) {
        boolean closeNow;
        synchronized (this) {
            this.stream = stream;
            closeNow = closed;
        }
        if (closeNow) {
            closeQuietly(stream);
        }
    }

    @Override
    public void onNext(Frame frame) {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        listener.output(frame.getStreamType() == StreamType.STDERR ? STDERR : STDOUT, frame.getPayload());
    }

    @Override
    public void onError(Throwable error) {
        boolean started;
        synchronized (this) {
            started = stream != null;
            if (!closed) {
                log.debug("Output of process {} ended with {}", processId, error.toString());
            }
        }
        if (started) {
            ended.complete(null);
        } else {
            ended.completeExceptionally(error);
        }
    }

    @Override
    public void onComplete() {
        ended.complete(null);
    }

    /** Stops reading the output; {@link #ended()} completes. */
    @Override
    public void close() {
        Closeable open;
        synchronized (this) {
            closed = true;
            open = stream;
        }
        if (open != null) {
            closeQuietly(open);
        }
        ended.complete(null);
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException e) {
            // the stream is gone either way
        }
    }
}
