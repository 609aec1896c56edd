package dev.berth.relay.logs;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.LogContainerCmd;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;

import dev.berth.relay.docker.DockerConfig;
import dev.berth.relay.exec.ContainerFailures;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;

/**
 * A container's stdout and stderr as lines, from the engine's log (with timestamps). The engine's stream is
 * read on its own thread, which waits whenever the client has not asked for more lines: a slow client slows
 * the reading down and nothing piles up in the relay.
 */
@Component
public class ContainerLogs {

    /** Longest piece of a line sent as one; a longer line comes in several. */
    static final int MAX_LINE = 16 * 1024;

    private final DockerClient docker;
    private final DockerClient streams;

    public ContainerLogs(DockerClient docker, @Qualifier(DockerConfig.STREAMS) DockerClient streams) {
        this.docker = docker;
        this.streams = streams;
    }

    /**
     * The container's log lines, once the container is known to run: a container that is gone or stopped is
     * refused (409) before any line is streamed.
     */
    public Mono<Flux<LogLine>> open(String containerId, LogsQuery query) {
        return Mono.fromCallable(() -> docker.inspectContainerCmd(containerId).exec())
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(ContainerFailures::of)
                .map(container -> {
                    if (!Boolean.TRUE.equals(container.getState().getRunning())) {
                        throw ContainerFailures.of(new ConflictException("not running"));
                    }
                    return lines(containerId, query);
                });
    }

    private Flux<LogLine> lines(String containerId, LogsQuery query) {
        return Flux.<LogLine>create(sink -> {
            Reader reader = new Reader(sink);
            sink.onRequest(reader::credit);
            // closing the engine's stream is socket work: not on the event loop that may cancel
            sink.onDispose(() -> Schedulers.boundedElastic().schedule(reader::close));
            LogContainerCmd logs = streams.logContainerCmd(containerId).withStdOut(true).withStdErr(true)
                    .withTimestamps(true).withFollowStream(query.follow());
            if (query.tail() == null) {
                logs.withTailAll();
            } else {
                logs.withTail(query.tail());
            }
            logs.exec(reader);
        }).subscribeOn(Schedulers.boundedElastic(), false);
    }

    /** Reads the engine's stream into the sink, as fast as the sink asks. */
    private static final class Reader implements ResultCallback<Frame> {

        private final FluxSink<LogLine> sink;
        private final LogLines lines = new LogLines(MAX_LINE);
        private long credit;
        private boolean closed;
        private Closeable stream;

        Reader(FluxSink<LogLine> sink) {
            this.sink = sink;
        }

        synchronized void credit(long n) {
            credit = Operators.addCap(credit, n);
            notifyAll();
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
            StreamType type = frame.getStreamType();
            emit(lines.accept(type == StreamType.STDERR ? "stderr" : "stdout", frame.getPayload(),
                    type != StreamType.RAW));
        }

        @Override
        public void onError(Throwable error) {
            if (!isClosed()) {
                sink.error(ContainerFailures.of(error));
            }
        }

        @Override
        public void onComplete() {
            if (emit(lines.finish())) {
                sink.complete();
            }
        }

        /** Hands lines to the sink, each once it is asked for. @return false once the client is gone */
        private boolean emit(List<LogLine> ready) {
            for (LogLine line : ready) {
                if (!awaitCredit()) {
                    return false;
                }
                sink.next(line);
            }
            return true;
        }

        private synchronized boolean awaitCredit() {
            try {
                while (credit == 0 && !closed) {
                    wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (closed) {
                return false;
            }
            if (credit != Long.MAX_VALUE) {
                credit--;
            }
            return true;
        }

        private synchronized boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            Closeable open;
            synchronized (this) {
                closed = true;
                open = stream;
                notifyAll();
            }
            if (open != null) {
                closeQuietly(open);
            }
        }

        private static void closeQuietly(Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException | RuntimeException e) {
                // the stream is gone either way
            }
        }
    }
}
