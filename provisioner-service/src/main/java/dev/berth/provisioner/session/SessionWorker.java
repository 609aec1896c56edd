package dev.berth.provisioner.session;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpRejectAndDontRequeueException;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.annotation.RabbitListener;
import org.springframework.stereotype.Component;

import com.github.dockerjava.api.exception.DockerException;

import dev.berth.contracts.ContainerLabels;
import dev.berth.contracts.ContainerSpec;
import dev.berth.contracts.ContainerState;
import dev.berth.contracts.CreateSession;
import dev.berth.contracts.DeleteSession;
import dev.berth.contracts.Messaging;
import dev.berth.contracts.SessionStatus;
import dev.berth.contracts.SessionStatusChanged;
import dev.berth.contracts.StartSession;
import dev.berth.contracts.StopSession;
import dev.berth.provisioner.docker.TransientFailure;
import dev.berth.provisioner.messaging.EventPublisher;
import dev.berth.provisioner.node.NodeProperties;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Carries out create and delete commands and answers each with status events carrying the command's
 * sequence. A command is acknowledged once its answer is confirmed by the broker. Commands for one session
 * run one at a time here, so a delete that arrives while its create runs waits for it.
 */
@Component
public class SessionWorker {

    private static final Logger log = LoggerFactory.getLogger(SessionWorker.class);
    private static final TransientFailure TRANSIENT = new TransientFailure();
    private static final Pattern DOCKER_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final SessionResources resources;
    private final CreateIntake intake;
    private final EventPublisher events;
    private final NodeProperties node;
    private final ContainerProperties containers;
    private final ExpectedExits expectedExits;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    private final ReentrantLock[] locks = IntStream.range(0, 64).mapToObj(i -> new ReentrantLock())
            .toArray(ReentrantLock[]::new);

    public SessionWorker(SessionResources resources, CreateIntake intake, EventPublisher events,
            NodeProperties node, ContainerProperties containers, ExpectedExits expectedExits, Clock clock) {
        this.resources = resources;
        this.intake = intake;
        this.events = events;
        this.node = node;
        this.containers = containers;
        this.expectedExits = expectedExits;
        this.clock = clock;
    }

    @RabbitListener(id = CreateIntake.LISTENER_ID, queues = Messaging.PROVISION_QUEUE,
            concurrency = "${berth.commands.create-consumers:4}")
    public void create(CreateSession command) {
        UUID sessionId = requireSession(command.sessionId(), command);
        log.info("Creating session {} (sequence {}) for {}", sessionId, command.sequence(), command.owner());
        locked(sessionId, () -> {
            publish(sessionId, command.sequence(), SessionStatus.PROVISIONING, List.of(), null);
            List<ContainerState> started;
            try {
                started = provision(command);
            } catch (RuntimeException e) {
                String reason = reason(e);
                log.warn("Session {} failed on node {}: {}", sessionId, node.id(), reason);
                removeQuietly(sessionId);
                publish(sessionId, command.sequence(), SessionStatus.FAILED, List.of(), reason);
                return;
            }
            publish(sessionId, command.sequence(), SessionStatus.RUNNING, started, null);
            log.info("Session {} runs on node {}: {}", sessionId, node.id(), started);
        });
    }

    /** Commands addressed to this node; the routing key's last word says which one the body is. */
    @RabbitListener(queues = "#{nodeQueue.name}", concurrency = "${berth.commands.node-consumers:2}")
    public void onNodeCommand(Message message) {
        String key = String.valueOf(message.getMessageProperties().getReceivedRoutingKey());
        if (key.endsWith(Messaging.DELETE_SESSION_SUFFIX)) {
            delete(read(message, DeleteSession.class));
        } else if (key.endsWith(Messaging.STOP_SESSION_SUFFIX)) {
            stop(read(message, StopSession.class));
        } else if (key.endsWith(Messaging.START_SESSION_SUFFIX)) {
            start(read(message, StartSession.class));
        } else {
            throw new AmqpRejectAndDontRequeueException("No such command: " + key);
        }
    }

    void delete(DeleteSession command) {
        UUID sessionId = requireSession(command.sessionId(), command);
        log.info("Deleting session {} (sequence {}, {})", sessionId, command.sequence(), command.reason());
        locked(sessionId, () -> {
            expectedExits.during(sessionId, () -> {
                resources.removeAll(sessionId);
                return null;
            });
            publish(sessionId, command.sequence(), SessionStatus.TERMINATED, List.of(), null);
            log.info("Session {} is removed from node {}", sessionId, node.id());
        });
    }

    void stop(StopSession command) {
        UUID sessionId = requireSession(command.sessionId(), command);
        log.info("Stopping session {} (sequence {})", sessionId, command.sequence());
        locked(sessionId, () -> {
            List<ContainerState> stopped = expectedExits.during(sessionId, () -> resources.stopAll(sessionId));
            publish(sessionId, command.sequence(), SessionStatus.STOPPED, stopped, null);
        });
    }

    void start(StartSession command) {
        UUID sessionId = requireSession(command.sessionId(), command);
        log.info("Starting session {} again (sequence {})", sessionId, command.sequence());
        locked(sessionId, () -> {
            List<ContainerSpec> specs = resources.existingSpecs(sessionId);
            if (specs.isEmpty()) {
                publish(sessionId, command.sequence(), SessionStatus.FAILED, List.of(),
                        "Its containers are gone from node " + node.id());
                return;
            }
            List<ContainerState> started;
            try {
                // in order, each ready before those that depend on it start, as at create
                started = startInOrder(sessionId, specs, spec -> resources.startExisting(sessionId, spec));
            } catch (RuntimeException e) {
                String reason = reason(e);
                log.warn("Session {} did not start again on node {}: {}", sessionId, node.id(), reason);
                removeQuietly(sessionId);
                publish(sessionId, command.sequence(), SessionStatus.FAILED, List.of(), reason);
                return;
            }
            publish(sessionId, command.sequence(), SessionStatus.RUNNING, started, null);
        });
    }

    /**
     * A container of the session exited by itself. A session is one unit: its other containers are stopped too,
     * and the session is reported STOPPED with the exit code of the one that exited.
     */
    void exitedByItself(UUID sessionId, Integer exitCode) {
        locked(sessionId, () -> {
            try {
                expectedExits.during(sessionId, () -> resources.stopAll(sessionId));
            } catch (RuntimeException e) {
                log.warn("Could not stop the other containers of session {} on node {}: {}", sessionId, node.id(),
                        e.toString());
            }
            observed(sessionId, SessionStatus.STOPPED,
                    "Its main process exited" + (exitCode == null ? "" : " with code " + exitCode), exitCode);
        });
    }

    /**
     * Some of the session's containers are gone (removed outside Berth): the session cannot work as a whole, so
     * the rest are removed and it is reported FAILED. Checked again under the session's lock, against the names
     * of the containers it should have (an empty list: it should have some).
     */
    void lost(UUID sessionId, List<String> names) {
        locked(sessionId, () -> {
            List<String> here = resources.containersOf(sessionId).stream()
                    .map(container -> container.getLabels().get(ContainerLabels.CONTAINER)).toList();
            List<String> missing = names.isEmpty() ? (here.isEmpty() ? List.of("all") : List.of())
                    : names.stream().filter(name -> !here.contains(name)).toList();
            if (missing.isEmpty()) {
                return;
            }
            log.warn("Session {} lost container(s) {} on node {}; removing the rest", sessionId, missing, node.id());
            removeQuietly(sessionId);
            observed(sessionId, SessionStatus.FAILED, (names.isEmpty() || missing.size() == names.size()
                    ? "Its containers are gone from node " + node.id()
                    : "Its container(s) " + String.join(", ", missing) + " are gone from node " + node.id())
                    + " (removed outside Berth)", null);
        });
    }

    /** Reports what this node saw happen to a session on its own (not an answer to a command). */
    void observed(UUID sessionId, SessionStatus status, String reason, Integer exitCode) {
        events.status(new SessionStatusChanged(UUID.randomUUID(), sessionId, SessionStatusChanged.OBSERVED, status,
                node.id(), List.of(), reason, exitCode, clock.instant()));
    }

    /** Runs a command's work while no other command of that session runs here. */
    void locked(UUID sessionId, Runnable work) {
        ReentrantLock lock = lockFor(sessionId);
        lock.lock();
        try {
            work.run();
        } finally {
            lock.unlock();
            recount();
        }
    }

    private <T> T read(Message message, Class<T> type) {
        try {
            return json.readValue(message.getBody(), type);
        } catch (JacksonException e) {
            throw new AmqpRejectAndDontRequeueException("Unreadable " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private List<ContainerState> provision(CreateSession command) {
        List<ContainerSpec> specs = command.containers() == null ? List.of() : command.containers();
        if (specs.isEmpty()) {
            throw new ProvisioningFailure("The create command for session " + command.sessionId()
                    + " names no container");
        }
        for (ContainerSpec spec : specs) {
            if (!containers.allowedImages().contains(spec.image())) {
                throw new ProvisioningFailure("Image " + spec.image() + " is not allowed on node " + node.id()
                        + "; allowed: " + containers.allowedImages());
            }
            if (spec.limits() != null && spec.limits().privileged() && !containers.allowPrivileged()) {
                throw new ProvisioningFailure("Container " + spec.name() + " must run privileged, which node "
                        + node.id() + " does not allow (berth.containers.allow-privileged)");
            }
        }
        resources.createNetwork(command.sessionId(), command.owner());
        return startInOrder(command.sessionId(), specs,
                spec -> resources.startContainer(command.sessionId(), command.owner(), spec, specs.indexOf(spec)));
    }

    /**
     * Starts the session's containers: one that depends on others once those are ready; those that depend on
     * none one after another in the template's order, each as soon as the one before has started (not when it is
     * ready), so the first gets the engine to itself (started all at once, each start takes about as long as all
     * of them). Their readiness is checked once all of them have started: a check is an exec, which would take
     * the engine from the starts still to come. They get ready side by side. The first to fail fails the whole at
     * once: what runs or is still getting ready is removed then, rather than waited for. Answers the containers in
     * the order of {@code specs}.
     */
    private List<ContainerState> startInOrder(UUID sessionId, List<ContainerSpec> specs,
            Function<ContainerSpec, ContainerState> starter) {
        AtomicBoolean abandoned = new AtomicBoolean();
        CompletableFuture<Void> firstFailure = new CompletableFuture<>();
        Map<String, CompletableFuture<ContainerState>> started = new HashMap<>();
        CompletableFuture<?> independentBefore = CompletableFuture.completedFuture(null);
        CompletableFuture<Void> independentsStarted = new CompletableFuture<>();
        try (ExecutorService starts = Executors.newVirtualThreadPerTaskExecutor()) {
            for (ContainerSpec spec : StartOrder.of(specs)) {
                boolean independent = spec.dependsOn() == null || spec.dependsOn().isEmpty();
                CompletableFuture<?>[] dependencies = independent ? new CompletableFuture<?>[] {independentBefore}
                        : spec.dependsOn().stream().map(started::get).toArray(CompletableFuture<?>[]::new);
                CompletableFuture<Void> startReturned = new CompletableFuture<>();
                CompletableFuture<ContainerState> container = CompletableFuture.allOf(dependencies)
                        .thenApplyAsync(ready -> {
                            try {
                                abandonedAlready(abandoned, spec);
                                ContainerState state;
                                try {
                                    state = starter.apply(spec);
                                } finally {
                                    startReturned.complete(null);
                                }
                                // made after the removal below looked for it? then it is removed after all starts
                                abandonedAlready(abandoned, spec);
                                if (independent) {
                                    independentsStarted.join();
                                }
                                resources.awaitReady(sessionId, spec);
                                return state;
                            } catch (ProvisioningFailure e) {
                                throw e;
                            } catch (RuntimeException e) {
                                throw new ProvisioningFailure(specs.size() == 1 ? reason(e)
                                        : "Container " + spec.name() + ": " + reason(e));
                            }
                        }, starts);
                if (independent) {
                    independentBefore = startReturned;
                }
                container.whenComplete((state, failure) -> {
                    startReturned.complete(null);
                    if (failure != null) {
                        firstFailure.completeExceptionally(failure instanceof CompletionException wrapped
                                && wrapped.getCause() != null ? wrapped.getCause() : failure);
                    }
                });
                started.put(spec.name(), container);
            }
            independentBefore.whenComplete((done, failure) -> independentsStarted.complete(null));
            try {
                CompletableFuture.anyOf(CompletableFuture.allOf(started.values().toArray(CompletableFuture<?>[]::new)),
                        firstFailure).join();
            } catch (CompletionException e) {
                abandoned.set(true);
                // the containers still getting ready stop waiting once they are gone
                removeQuietly(sessionId);
                throw e;
            }
            return specs.stream().map(spec -> started.get(spec.name()).join()).toList();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** Refuses to go on with a container once another of its session failed. */
    private static void abandonedAlready(AtomicBoolean abandoned, ContainerSpec spec) {
        if (abandoned.get()) {
            throw new ProvisioningFailure("Container " + spec.name() + " was not started: another one failed");
        }
    }

    private void publish(UUID sessionId, long sequence, SessionStatus status, List<ContainerState> started,
            String reason) {
        events.status(new SessionStatusChanged(UUID.randomUUID(), sessionId, sequence, status, node.id(), started,
                reason, null, clock.instant()));
    }

    /** Removes what a failed create made; what cannot be removed now goes with the session's delete. */
    /** Removes what was made for the session; the exits this causes are expected, not the containers' own. */
    private void removeQuietly(UUID sessionId) {
        try {
            expectedExits.during(sessionId, () -> {
                resources.removeAll(sessionId);
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("Could not remove what was made for session {} on node {}: {}", sessionId, node.id(),
                    e.toString());
        }
    }

    private void recount() {
        try {
            intake.sessionsHeld(resources.sessionsHeld());
        } catch (RuntimeException e) {
            log.debug("Could not count the sessions on node {}: {}", node.id(), e.toString());
        }
    }

    /** Why a create failed, in words a person can act on. */
    private String reason(RuntimeException failure) {
        if (failure instanceof ProvisioningFailure) {
            return failure.getMessage();
        }
        if (failure instanceof CallNotPermittedException) {
            return "Docker engine on node " + node.id()
                    + " is unavailable: it failed repeatedly, calls to it are paused";
        }
        if (failure instanceof DockerException docker) {
            return "Docker engine on node " + node.id() + " refused the session (HTTP " + docker.getHttpStatus()
                    + "): " + engineMessage(docker);
        }
        if (TRANSIENT.test(failure)) {
            return "Docker engine on node " + node.id() + " is unavailable: " + rootCause(failure);
        }
        log.error("Unexpected failure on node {}", node.id(), failure);
        return "Provisioning failed on node " + node.id() + ": " + failure;
    }

    private static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** The engine's own words: its error body is {@code {"message":"..."}}. */
    private static String engineMessage(DockerException failure) {
        String text = failure.getMessage() == null ? "" : failure.getMessage();
        Matcher matcher = DOCKER_MESSAGE.matcher(text);
        return matcher.find() ? matcher.group(1).replace("\\\"", "\"") : text.strip();
    }

    /** A command without a session can never be carried out: it goes to the dead-letter queue at once. */
    private static UUID requireSession(UUID sessionId, Object command) {
        if (sessionId == null) {
            throw new AmqpRejectAndDontRequeueException("Command without a session id: " + command);
        }
        return sessionId;
    }

    private ReentrantLock lockFor(UUID sessionId) {
        return locks[Math.floorMod(sessionId.hashCode(), locks.length)];
    }
}
