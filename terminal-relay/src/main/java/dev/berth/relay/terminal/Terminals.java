package dev.berth.relay.terminal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import com.github.dockerjava.api.DockerClient;

import dev.berth.relay.docker.ContainerProcesses;
import dev.berth.relay.docker.DockerConfig;
import dev.berth.relay.docker.Execution;
import dev.berth.relay.exec.ContainerFailures;
import dev.berth.relay.session.RunningSession;
import dev.berth.relay.web.Problems;
import dev.berth.relay.web.RelayException;
import jakarta.annotation.PreDestroy;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The terminals of the sessions on this node. A shell ends when its session's container goes, when its owner
 * deletes it, or when nobody has watched it for the grace period; an ended terminal stays listed for that long.
 */
@Component
public class Terminals {

    private static final Logger log = LoggerFactory.getLogger(Terminals.class);
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);
    private static final Map<String, String> ENVIRONMENT = Map.of("TERM", "xterm-256color");

    private final Map<String, Terminal> terminals = new ConcurrentHashMap<>();
    private final DockerClient docker;
    private final DockerClient streams;
    private final ContainerProcesses processes;
    private final TerminalProperties properties;
    private final Clock clock;

    public Terminals(DockerClient docker, @Qualifier(DockerConfig.STREAMS) DockerClient streams,
            ContainerProcesses processes, TerminalProperties properties, Clock clock) {
        this.docker = docker;
        this.streams = streams;
        this.processes = processes;
        this.properties = properties;
        this.clock = clock;
    }

    /** Starts a shell; answers once it runs, sized as asked. */
    Mono<TerminalView> start(RunningSession session, TerminalRequest request) {
        return Mono.fromCallable(() -> {
            Terminal terminal = new Terminal(session, request, properties, clock);
            synchronized (this) {
                long running = terminals.values().stream()
                        .filter(other -> other.sessionId().equals(session.id()) && other.running()).count();
                if (running >= properties.maxPerSession()) {
                    throw new RelayException(HttpStatus.TOO_MANY_REQUESTS, Problems.TOO_MANY_TERMINALS,
                            "Too many terminals", "This session already has " + properties.maxPerSession()
                                    + " terminals; delete one first");
                }
                terminals.put(terminal.id(), terminal);
            }
            Execution execution;
            try {
                execution = Execution.start(streams, processes, session.containerId(), terminal.id(),
                        request.argv(), request.cwd(), ENVIRONMENT, terminal.input(), terminal);
                terminal.started(execution);
            } catch (RuntimeException e) {
                terminals.remove(terminal.id());
                terminal.input().close();
                throw ContainerFailures.of(e);
            }
            execution.ended().handleAsync((ignored, failure) -> {
                terminal.ended(failure == null ? execution.exitCode() : null);
                return null;
            }, task -> Schedulers.boundedElastic().schedule(task));
            unwatched(terminal);
            // the engine holds a resize until the exec has started
            return terminal;
        }).subscribeOn(Schedulers.boundedElastic())
                .flatMap(terminal -> resize(terminal, request.cols(), request.rows()).thenReturn(terminal.view()));
    }

    List<TerminalView> list(UUID sessionId) {
        return terminals.values().stream().filter(terminal -> terminal.sessionId().equals(sessionId))
                .map(Terminal::view).sorted(Comparator.comparing(TerminalView::createdAt)).toList();
    }

    Optional<Terminal> find(UUID sessionId, String terminalId) {
        return Optional.ofNullable(terminalId == null ? null : terminals.get(terminalId))
                .filter(terminal -> terminal.sessionId().equals(sessionId));
    }

    /** Changes the size the shell sees. */
    Mono<Void> resize(Terminal terminal, int cols, int rows) {
        return Mono.<Void>fromRunnable(() -> {
            Execution execution = terminal.execution();
            if (execution != null && terminal.running()) {
                docker.resizeExecCmd(execution.execId()).withSize(rows, cols).exec();
                terminal.resized(cols, rows);
            }
        }).subscribeOn(Schedulers.boundedElastic())
                .onErrorResume(e -> {
                    log.debug("Could not resize terminal {}: {}", terminal.id(), e.toString());
                    return Mono.empty();
                });
    }

    /** A connection left; with nobody watching, the shell ends after the grace period. */
    void detach(Terminal terminal, Viewer viewer) {
        if (terminal.detach(viewer)) {
            unwatched(terminal);
        }
    }

    /**
     * Ends a running terminal (in the background: the answer does not wait) or forgets an ended one.
     *
     * @return the terminal as it was when asked, empty if there is none
     */
    Optional<TerminalView> delete(UUID sessionId, String terminalId) {
        Optional<Terminal> found = find(sessionId, terminalId);
        found.ifPresent(terminal -> {
            if (terminal.running()) {
                Schedulers.boundedElastic().schedule(() -> terminate(terminal));
            } else {
                terminals.remove(terminalId);
            }
        });
        return found.map(Terminal::view);
    }

    private void unwatched(Terminal terminal) {
        terminal.unwatchedUntil(Schedulers.parallel().schedule(() -> {
            if (!terminal.watched()) {
                Schedulers.boundedElastic().schedule(() -> terminate(terminal));
            }
        }, properties.gracePeriod().toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Hangs up the shell and all it started (HUP, then KILL). Blocks. */
    private void terminate(Terminal terminal) {
        Execution execution = terminal.execution();
        if (execution == null || !terminal.running()) {
            return;
        }
        processes.kill(terminal.containerId(), terminal.id(), "HUP");
        execution.terminate(KILL_GRACE);
    }

    @Scheduled(fixedDelay = 30_000)
    void forgetEnded() {
        Instant before = clock.instant().minus(properties.gracePeriod());
        terminals.values().removeIf(terminal -> terminal.endedBefore(before));
    }

    /** A relay that stops leaves no shell running that nobody can reach any more. */
    @PreDestroy
    void terminateAll() {
        terminals.values().stream().filter(Terminal::running)
                .forEach(terminal -> processes.kill(terminal.containerId(), terminal.id(), "HUP"));
    }
}
