package dev.berth.relay.exec;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.berth.relay.docker.Execution;
import dev.berth.relay.session.RunningSession;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * A command that runs in a session after its request was answered (a dev server, say). It keeps its recent
 * output for whoever follows it later, and hands new output to the current followers, each through a bounded
 * queue: a follower that falls that far behind is dropped with an error event, the process never waits.
 */
final class BackgroundProcess implements Execution.Listener {

    /** Output events a follower may have pending before it is dropped. */
    static final int FOLLOWER_QUEUE = 256;

    private final String id;
    private final UUID sessionId;
    private final String container;
    private final String containerId;
    private final Object command;
    private final Instant startedAt;
    private final Clock clock;
    private final RetainedOutput retained;
    private final Utf8.Decoder stdoutText = new Utf8.Decoder();
    private final Utf8.Decoder stderrText = new Utf8.Decoder();
    private final List<Follower> followers = new ArrayList<>();
    private ProcessStatus status = ProcessStatus.RUNNING;
    private Integer exitCode;
    private Instant endedAt;
    private boolean killed;
    private Execution execution;
    private Disposable timeout;

    BackgroundProcess(RunningSession session, ExecRequest request, int retainedOutput, Clock clock) {
        this.id = UUID.randomUUID().toString();
        this.sessionId = session.id();
        this.container = session.container();
        this.containerId = session.containerId();
        this.command = request.command();
        this.clock = clock;
        this.startedAt = clock.instant();
        this.retained = new RetainedOutput(retainedOutput);
    }

    String id() {
        return id;
    }

    String containerId() {
        return containerId;
    }

    synchronized void started(Execution execution, Disposable timeout) {
        this.execution = execution;
        this.timeout = timeout;
    }

    synchronized boolean running() {
        return status == ProcessStatus.RUNNING;
    }

    synchronized boolean endedBefore(Instant instant) {
        return endedAt != null && endedAt.isBefore(instant);
    }

    synchronized Instant endedAt() {
        return endedAt;
    }

    synchronized ProcessView view() {
        return new ProcessView(id, container, command, status, exitCode, startedAt, endedAt,
                ProcessView.Links.of(sessionId, id));
    }

    @Override
    public synchronized void output(String stream, byte[] bytes) {
        publish(new ProcessEvent.Output(stream,
                (Execution.STDERR.equals(stream) ? stderrText : stdoutText).decode(bytes)));
    }

    /**
     * Ends the process and all it started (TERM, then KILL after {@code grace}). Blocks: call it off the event
     * loop.
     */
    void kill(Duration grace) {
        Execution running;
        synchronized (this) {
            if (status != ProcessStatus.RUNNING || execution == null) {
                return;
            }
            killed = true;
            running = execution;
        }
        running.terminate(grace);
    }

    /** Notes the end, once the output has ended: the last event for every follower. */
    synchronized void ended(Integer code) {
        if (status != ProcessStatus.RUNNING) {
            return;
        }
        publish(new ProcessEvent.Output(Execution.STDOUT, stdoutText.finish()));
        publish(new ProcessEvent.Output(Execution.STDERR, stderrText.finish()));
        status = killed || code == null ? ProcessStatus.KILLED : ProcessStatus.EXITED;
        exitCode = code;
        endedAt = clock.instant();
        if (timeout != null) {
            timeout.dispose();
        }
        ProcessEvent.Exit exit = new ProcessEvent.Exit(exitCode, status);
        followers.forEach(follower -> follower.finish(exit));
        followers.clear();
    }

    /**
     * The retained output, then (when {@code live}) new output until the process ends, then its exit; an
     * ended process gives its retained output and exit.
     */
    synchronized Flux<ProcessEvent> follow(boolean live) {
        List<ProcessEvent> replay = new ArrayList<>(retained.snapshot());
        if (status != ProcessStatus.RUNNING) {
            replay.add(new ProcessEvent.Exit(exitCode, status));
            return Flux.fromIterable(replay);
        }
        if (!live) {
            return Flux.fromIterable(replay);
        }
        Follower follower = new Follower();
        followers.add(follower);
        return Flux.concat(Flux.fromIterable(replay), follower.events()).doFinally(signal -> unfollow(follower));
    }

    private synchronized void unfollow(Follower follower) {
        followers.remove(follower);
    }

    private void publish(ProcessEvent.Output output) {
        if (output.text().isEmpty()) {
            return;
        }
        retained.add(output);
        followers.removeIf(follower -> !follower.offer(output));
    }

    /** One client following the output, with its bounded queue. */
    private static final class Follower {

        private final Sinks.Many<ProcessEvent> sink = Sinks.many().unicast()
                .onBackpressureBuffer(Queues.<ProcessEvent>get(FOLLOWER_QUEUE).get());
        private volatile boolean dropped;

        /** Queues an event; when the queue is full, drops the follower and answers false. */
        boolean offer(ProcessEvent event) {
            Sinks.EmitResult result = sink.tryEmitNext(event);
            if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
                dropped = true;
                sink.tryEmitComplete();
            }
            return result.isSuccess();
        }

        void finish(ProcessEvent.Exit exit) {
            if (offer(exit)) {
                sink.tryEmitComplete();
            }
        }

        Flux<ProcessEvent> events() {
            return sink.asFlux().concatWith(Mono.fromSupplier(() -> dropped ? new ProcessEvent.Dropped("too-slow",
                    "The client did not keep up with the output; follow again to get the recent output") : null));
        }
    }
}
