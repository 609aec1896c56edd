package dev.berth.relay.exec;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import com.github.dockerjava.api.DockerClient;

import dev.berth.relay.docker.Execution;
import dev.berth.relay.docker.ContainerProcesses;
import dev.berth.relay.docker.DockerConfig;
import dev.berth.relay.session.RunningSession;
import dev.berth.relay.web.Problems;
import dev.berth.relay.web.RelayException;
import jakarta.annotation.PreDestroy;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The background processes of the sessions on this node: at most {@code berth.exec.max-background} running
 * per session; an ended one stays listed, with its output, for {@code berth.exec.ended-retention} (at most
 * as many ended as may run).
 */
@Component
public class BackgroundProcesses {

    private final Map<UUID, SessionProcesses> sessions = new ConcurrentHashMap<>();
    private final DockerClient streams;
    private final ContainerProcesses processes;
    private final ExecProperties properties;
    private final Clock clock;

    public BackgroundProcesses(@Qualifier(DockerConfig.STREAMS) DockerClient streams, ContainerProcesses processes,
            ExecProperties properties, Clock clock) {
        this.streams = streams;
        this.processes = processes;
        this.properties = properties;
        this.clock = clock;
    }

    /** Starts the command; answers once it runs. */
    public Mono<ProcessView> start(RunningSession session, ExecRequest request) {
        return Mono.fromCallable(() -> {
            BackgroundProcess process = new BackgroundProcess(session, request,
                    (int) properties.retainedOutput().toBytes(), clock);
            sessions.compute(session.id(), (id, own) -> {
                SessionProcesses held = own == null ? new SessionProcesses() : own;
                held.add(process, properties.maxBackground(), clock.instant().minus(properties.endedRetention()));
                return held;
            });
            Execution execution;
            try {
                execution = Execution.start(streams, processes, session.containerId(), process.id(), request.argv(),
                        request.cwd(), request.env(), null, process);
            } catch (RuntimeException e) {
                forget(session.id(), process.id());
                throw ContainerFailures.of(e);
            }
            Disposable timeout = request.timeout() == null ? null : Schedulers.boundedElastic().schedule(
                    () -> process.kill(properties.killGrace()), request.timeout().toMillis(), TimeUnit.MILLISECONDS);
            process.started(execution, timeout);
            execution.ended().handleAsync((ignored, failure) -> {
                process.ended(failure == null ? execution.exitCode() : null);
                return null;
            }, Commands.BLOCKING);
            return process.view();
        }).subscribeOn(Schedulers.boundedElastic());
    }

    public List<ProcessView> list(UUID sessionId) {
        SessionProcesses own = sessions.get(sessionId);
        return own == null ? List.of() : own.all().stream().map(BackgroundProcess::view).toList();
    }

    public Optional<ProcessView> find(UUID sessionId, String processId) {
        return process(sessionId, processId).map(BackgroundProcess::view);
    }

    /** The process's output events ({@link BackgroundProcess#follow}). */
    public Optional<Flux<ProcessEvent>> output(UUID sessionId, String processId,
            boolean follow) {
        return process(sessionId, processId).map(process -> process.follow(follow));
    }

    /**
     * Kills a running process (in the background: the answer does not wait) or forgets an ended one.
     *
     * @return the process as it was when asked, empty if there is none
     */
    public Optional<ProcessView> delete(UUID sessionId, String processId) {
        Optional<BackgroundProcess> found = process(sessionId, processId);
        found.ifPresent(process -> {
            if (process.running()) {
                Schedulers.boundedElastic().schedule(() -> process.kill(properties.killGrace()));
            } else {
                forget(sessionId, processId);
            }
        });
        return found.map(BackgroundProcess::view);
    }

    private Optional<BackgroundProcess> process(UUID sessionId, String processId) {
        SessionProcesses own = sessions.get(sessionId);
        return own == null ? Optional.empty() : Optional.ofNullable(own.get(processId));
    }

    private void forget(UUID sessionId, String processId) {
        sessions.computeIfPresent(sessionId, (id, own) -> own.remove(processId) ? null : own);
    }

    @Scheduled(fixedDelay = 30_000)
    void forgetEnded() {
        Instant before = clock.instant().minus(properties.endedRetention());
        for (UUID sessionId : sessions.keySet()) {
            sessions.computeIfPresent(sessionId,
                    (id, own) -> own.forgetEnded(before, properties.maxBackground()) ? null : own);
        }
    }

    /** A relay that stops leaves no process running that nobody can reach any more. */
    @PreDestroy
    void terminateAll() {
        sessions.values().stream().flatMap(own -> own.all().stream()).filter(BackgroundProcess::running)
                .forEach(process -> processes.kill(process.containerId(), process.id(), "TERM"));
    }

    /** One session's processes, in the order they started. */
    private static final class SessionProcesses {

        private final Map<String, BackgroundProcess> processes = new LinkedHashMap<>();

        synchronized void add(BackgroundProcess process, int maxRunning, Instant endedBefore) {
            if (processes.values().stream().filter(BackgroundProcess::running).count() >= maxRunning) {
                throw new RelayException(HttpStatus.TOO_MANY_REQUESTS, Problems.TOO_MANY_PROCESSES,
                        "Too many processes", "This session already runs " + maxRunning
                                + " background processes; end one first");
            }
            forgetEnded(endedBefore, maxRunning);
            processes.put(process.id(), process);
        }

        synchronized BackgroundProcess get(String processId) {
            return processes.get(processId);
        }

        synchronized List<BackgroundProcess> all() {
            return new ArrayList<>(processes.values());
        }

        /** @return whether none is left */
        synchronized boolean remove(String processId) {
            processes.remove(processId);
            return processes.isEmpty();
        }

        /**
         * Forgets processes that ended before {@code before}, and the oldest ended ones beyond {@code maxEnded}.
         *
         * @return whether none is left
         */
        synchronized boolean forgetEnded(Instant before, int maxEnded) {
            processes.values().removeIf(process -> process.endedBefore(before));
            List<BackgroundProcess> ended = processes.values().stream().filter(process -> !process.running())
                    .sorted(Comparator.comparing(BackgroundProcess::endedAt)).toList();
            for (int i = 0; i < ended.size() - maxEnded; i++) {
                processes.remove(ended.get(i).id());
            }
            return processes.isEmpty();
        }
    }
}
