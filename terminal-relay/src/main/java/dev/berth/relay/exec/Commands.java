package dev.berth.relay.exec;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

import com.github.dockerjava.api.DockerClient;

import dev.berth.relay.docker.Execution;
import dev.berth.relay.docker.ContainerProcesses;
import dev.berth.relay.docker.DockerConfig;
import dev.berth.relay.session.RunningSession;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs commands in the foreground: the caller waits for the end and gets the output, each stream bounded. A
 * command runs until it ends or its timeout kills it, whether or not the caller still waits.
 */
@Component
public class Commands {

    /** Short blocking engine calls. */
    static final Executor BLOCKING = task -> Schedulers.boundedElastic().schedule(task);

    private final DockerClient streams;
    private final ContainerProcesses processes;
    private final ExecProperties properties;

    public Commands(@Qualifier(DockerConfig.STREAMS) DockerClient streams, ContainerProcesses processes,
            ExecProperties properties) {
        this.streams = streams;
        this.processes = processes;
        this.properties = properties;
    }

    public Mono<CommandResult> run(RunningSession session, ExecRequest request) {
        // Started apart from the subscriber: a client that goes away cancels the answer, not the command.
        return Mono.fromFuture(() -> CompletableFuture.supplyAsync(() -> start(session, request), BLOCKING)
                .thenCompose(result -> result), true)
                .onErrorMap(CompletionException.class, e -> ContainerFailures.of(e.getCause()));
    }

    private CompletableFuture<CommandResult> start(RunningSession session, ExecRequest request) {
        CommandRun run = new CommandRun((int) properties.maxOutput().toBytes());
        Execution execution;
        try {
            execution = Execution.start(streams, processes, session.containerId(), "exec-" + UUID.randomUUID(),
                    request.argv(), request.cwd(), request.env(), null, run);
        } catch (RuntimeException e) {
            throw ContainerFailures.of(e);
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        Disposable timer = Schedulers.boundedElastic().schedule(() -> {
            if (!execution.ended().isDone()) {
                timedOut.set(true);
                execution.terminate(properties.killGrace());
            }
        }, request.timeout().toMillis(), TimeUnit.MILLISECONDS);
        return execution.ended().handleAsync((ignored, failure) -> {
            if (failure != null) {
                timer.dispose();
                throw ContainerFailures.of(failure instanceof CompletionException ? failure.getCause() : failure);
            }
            if (timedOut.get()) {
                return run.result(null, true);
            }
            timer.dispose();
            return run.result(execution.exitCode(), false);
        }, BLOCKING);
    }
}
