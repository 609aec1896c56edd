package dev.berth.provisioner.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;

import dev.berth.contracts.ContainerLabels;
import dev.berth.contracts.ContainerSpec;
import dev.berth.contracts.ContainerState;
import dev.berth.contracts.PublishedPort;
import dev.berth.provisioner.docker.DockerEngine;
import dev.berth.provisioner.node.NodeProperties;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a session is made of on the node's engine: a network of its own and its containers, all labelled
 * with the session, the node and the owner. Names derive from the session id, so a command delivered again
 * finds what the first delivery made.
 */
@Component
public class SessionResources {

    private static final Logger log = LoggerFactory.getLogger(SessionResources.class);
    private static final String NAME_PREFIX = "berth-";
    private static final int STOP_TIMEOUT_SECONDS = 10;
    /** Runs a readiness command ("$@") every 100 ms, at most $1 times, inside the container; 0 once it passes. */
    private static final String READINESS_LOOP = """
            n=$1; shift; i=0
            while [ "$i" -lt "$n" ]; do
              "$@" >/dev/null 2>&1 && exit 0
              i=$((i + 1)); sleep 0.1 2>/dev/null || sleep 1
            done
            exit 1""";
    /** How a container tells it is ready (JSON of its readiness), for starting it again after a stop. */
    static final String READINESS_LABEL = "berth.readiness";
    /** The containers of its session it starts after (names, comma-separated), for starting it again. */
    static final String DEPENDS_ON_LABEL = "berth.depends-on";
    /** Where the container is listed in its template (0: first, where terminals and files go). */
    static final String POSITION_LABEL = "berth.position";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final LogConfig BOUNDED_LOGS = new LogConfig(LogConfig.LoggingType.JSON_FILE,
            Map.of("max-size", "10m", "max-file", "2"));

    private final DockerEngine engine;
    private final NodeProperties node;
    private final ContainerProperties limits;

    public SessionResources(DockerEngine engine, NodeProperties node, ContainerProperties limits) {
        this.engine = engine;
        this.node = node;
        this.limits = limits;
    }

    static String networkName(UUID sessionId) {
        return NAME_PREFIX + sessionId;
    }

    static String containerName(UUID sessionId, ContainerSpec spec) {
        return NAME_PREFIX + sessionId + "-" + spec.name();
    }

    void createNetwork(UUID sessionId, String owner) {
        try {
            engine.call(docker -> docker.createNetworkCmd().withName(networkName(sessionId)).withDriver("bridge")
                    .withCheckDuplicate(true).withLabels(labels(sessionId, owner)).exec());
        } catch (ConflictException e) {
            log.debug("Network {} exists already", networkName(sessionId));
        }
    }

    /**
     * Creates (unless it exists) and starts a container of the session, listed at {@code position} in its
     * template; answers it as it runs.
     */
    ContainerState startContainer(UUID sessionId, String owner, ContainerSpec spec, int position) {
        String name = containerName(sessionId, spec);
        try {
            engine.call(docker -> create(docker, sessionId, owner, spec, name, position));
        } catch (ConflictException e) {
            log.info("Container {} exists already (command delivered again); starting it if needed", name);
        } catch (NotFoundException e) {
            if (String.valueOf(e.getMessage()).contains("No such image")) {
                throw new ProvisioningFailure("Image '" + spec.image() + "' is not present on node " + node.id()
                        + "; build or load it there");
            }
            throw e;
        }
        try {
            engine.run(docker -> docker.startContainerCmd(name).exec());
        } catch (NotModifiedException e) {
            log.debug("Container {} runs already", name);
        }
        InspectContainerResponse container = engine.call(docker -> docker.inspectContainerCmd(name).exec());
        return new ContainerState(spec.name(), container.getId(), spec.image(), publishedPorts(container));
    }

    /**
     * Waits until a started container is ready: its readiness command exits with 0, or, without one, it runs.
     * The command is tried every 100 ms by a loop of one shell inside the container, so readiness is seen at once
     * without an exec every time; in an image without {@code sh}, or once the loop ran out of time, it is tried
     * by itself, again after 50 ms, then less often, at least every half second. Fails when the container stops
     * or its time is up, saying why (with the command's last output).
     */
    void awaitReady(UUID sessionId, ContainerSpec spec) {
        String name = containerName(sessionId, spec);
        ContainerSpec.Readiness readiness = spec.readiness();
        long deadline = System.nanoTime() + Duration.ofSeconds(readiness == null ? 0 : readiness.timeoutSeconds())
                .toNanos();
        boolean loopInside = true;
        long pauseMillis = 50;
        while (true) {
            InspectContainerResponse.ContainerState state = engine.call(docker -> docker.inspectContainerCmd(name)
                    .exec()).getState();
            if (!Boolean.TRUE.equals(state.getRunning())) {
                throw new ProvisioningFailure("Container " + spec.name() + " exited with code "
                        + state.getExitCodeLong() + tail(name));
            }
            if (readiness == null) {
                return;
            }
            if (loopInside) {
                Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                List<String> loop = new ArrayList<>(List.of("sh", "-c", READINESS_LOOP, "readiness",
                        Long.toString(Math.max(1, left.toMillis() / 100))));
                loop.addAll(readiness.command());
                if (checkWhileRunning(spec, name, loop, left.plusSeconds(5)).ready()) {
                    return;
                }
                // 126, 127: no shell to loop in; else the loop ran out of time or the container stopped
                loopInside = false;
                continue;
            }
            Check check = checkWhileRunning(spec, name, readiness.command(), Duration.ofSeconds(10));
            if (check.ready()) {
                return;
            }
            String last = check.output();
            if (deadline - System.nanoTime() <= 0) {
                throw new ProvisioningFailure("Container " + spec.name() + " was not ready within "
                        + readiness.timeoutSeconds() + " s"
                        + (last.isBlank() ? "" : ": " + last.strip()));
            }
            try {
                Thread.sleep(pauseMillis);
                pauseMillis = Math.min(500, pauseMillis * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ProvisioningFailure("Interrupted while waiting for container " + spec.name());
            }
        }
    }

    private record Check(Long exitCode, String output) {

        boolean ready() {
            return exitCode != null && exitCode == 0;
        }
    }

    /**
     * A check that the engine refuses because the container stopped meanwhile (it answers 409 or 500 "is not
     * running", depending on the moment) fails as the container's exit, with its code and last output.
     */
    private Check checkWhileRunning(ContainerSpec spec, String name, List<String> command, Duration timeout) {
        try {
            return check(name, command, timeout);
        } catch (RuntimeException e) {
            InspectContainerResponse.ContainerState state = engine.call(docker -> docker.inspectContainerCmd(name)
                    .exec()).getState();
            if (!Boolean.TRUE.equals(state.getRunning())) {
                throw new ProvisioningFailure("Container " + spec.name() + " exited with code "
                        + state.getExitCodeLong() + tail(name));
            }
            throw e;
        }
    }

    /** Runs a readiness command once; answers its exit code (null when it did not end in time) and output. */
    private Check check(String container, List<String> command, Duration timeout) {
        String exec;
        try {
            exec = engine.call(docker -> docker.execCreateCmd(container).withCmd(command.toArray(String[]::new))
                    .withAttachStdout(true).withAttachStderr(true).exec().getId());
        } catch (ConflictException e) {
            return new Check(null, ""); // it stopped meanwhile: the next look at it says so
        }
        StringBuilder output = new StringBuilder();
        try (ResultCallback.Adapter<Frame> done = engine.call(docker -> docker.execStartCmd(exec)
                .exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Frame frame) {
                        if (output.length() < 1000) {
                            output.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                        }
                    }
                }))) {
            if (!done.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return new Check(null, output.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Check(null, output.toString());
        } catch (java.io.IOException e) {
            log.debug("Closing the readiness check of {}: {}", container, e.toString());
        }
        return new Check(engine.call(docker -> docker.inspectExecCmd(exec).exec()).getExitCodeLong(),
                output.toString());
    }

    /** The last lines a container wrote, to say why it stopped. */
    private String tail(String container) {
        StringBuilder text = new StringBuilder();
        try (ResultCallback.Adapter<Frame> logs = engine.call(docker -> docker.logContainerCmd(container)
                .withStdOut(true).withStdErr(true).withTail(5).exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Frame frame) {
                        text.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    }
                }))) {
            logs.awaitCompletion(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.io.IOException | RuntimeException e) {
            log.debug("Could not read the log of {}: {}", container, e.toString());
        }
        String lines = text.toString().strip();
        return lines.isEmpty() ? "" : "; its last output: " + (lines.length() > 500
                ? lines.substring(lines.length() - 500) : lines);
    }

    /** Stops the session's containers (their files stay); answers them as they are now, without ports. */
    List<ContainerState> stopAll(UUID sessionId) {
        for (Container container : containersOf(sessionId)) {
            try {
                engine.run(docker -> docker.stopContainerCmd(container.getId()).withTimeout(STOP_TIMEOUT_SECONDS)
                        .exec());
            } catch (NotModifiedException e) {
                log.debug("Container {} was stopped already", container.getId());
            }
        }
        return states(sessionId);
    }

    /**
     * The session's existing containers as they were made: name, image, readiness and dependencies (from their
     * labels), so they can be started again in order, each ready before those that depend on it start.
     */
    List<ContainerSpec> existingSpecs(UUID sessionId) {
        return containersOf(sessionId).stream().sorted(IN_TEMPLATE_ORDER).map(container -> {
            Map<String, String> labels = container.getLabels();
            String dependsOn = labels.getOrDefault(DEPENDS_ON_LABEL, "");
            return new ContainerSpec(labels.get(ContainerLabels.CONTAINER), container.getImage(), null, null, null,
                    dependsOn.isBlank() ? List.of() : List.of(dependsOn.split(",")), readiness(labels), null);
        }).toList();
    }

    /** As the template lists them (containers made before positions were labelled: by name). */
    private static final Comparator<Container> IN_TEMPLATE_ORDER = Comparator
            .comparingInt((Container container) -> position(container.getLabels()))
            .thenComparing(container -> String.valueOf(container.getLabels().get(ContainerLabels.CONTAINER)));

    private static int position(Map<String, String> labels) {
        try {
            return Integer.parseInt(labels.getOrDefault(POSITION_LABEL, ""));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static ContainerSpec.Readiness readiness(Map<String, String> labels) {
        String readiness = labels.get(READINESS_LABEL);
        try {
            return readiness == null ? null : JSON.readValue(readiness, ContainerSpec.Readiness.class);
        } catch (JacksonException e) {
            log.warn("Unreadable readiness label {}: {}", readiness, e.getOriginalMessage());
            return null;
        }
    }

    /** Starts an existing container of the session again; answers it as it runs, with its new ports. */
    ContainerState startExisting(UUID sessionId, ContainerSpec spec) {
        String name = containerName(sessionId, spec);
        try {
            engine.run(docker -> docker.startContainerCmd(name).exec());
        } catch (NotModifiedException e) {
            log.debug("Container {} runs already", name);
        }
        InspectContainerResponse container = engine.call(docker -> docker.inspectContainerCmd(name).exec());
        return new ContainerState(spec.name(), container.getId(), container.getConfig().getImage(),
                publishedPorts(container));
    }

    private List<ContainerState> states(UUID sessionId) {
        return containersOf(sessionId).stream().sorted(IN_TEMPLATE_ORDER).map(container -> {
            InspectContainerResponse inspected = engine.call(docker -> docker.inspectContainerCmd(container.getId())
                    .exec());
            return new ContainerState(container.getLabels().get(ContainerLabels.CONTAINER), inspected.getId(),
                    inspected.getConfig().getImage(), publishedPorts(inspected));
        }).toList();
    }

    /** The session's containers on this node, running or not. */
    List<Container> containersOf(UUID sessionId) {
        return engine.call(docker -> docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerLabels.SESSION, sessionId.toString(), ContainerLabels.NODE,
                        node.id()))
                .exec());
    }

    /** Every container labelled for this node, running or not. */
    List<Container> containersOnNode() {
        return engine.call(docker -> docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(ContainerLabels.NODE, node.id())).exec());
    }

    /** Every network labelled for this node. */
    List<Network> networksOnNode() {
        return engine.call(docker -> docker.listNetworksCmd()
                .withFilter("label", List.of(ContainerLabels.NODE + "=" + node.id())).exec());
    }

    /** Removes the session's containers (with their volumes) and network; what is gone already is fine. */
    void removeAll(UUID sessionId) {
        for (Container container : containersOf(sessionId)) {
            try {
                engine.run(docker -> docker.removeContainerCmd(container.getId()).withForce(true)
                        .withRemoveVolumes(true).exec());
            } catch (NotFoundException e) {
                log.debug("Container {} was gone already", container.getId());
            }
        }
        removeNetwork(sessionId);
    }

    void removeNetwork(UUID sessionId) {
        try {
            engine.run(docker -> docker.removeNetworkCmd(networkName(sessionId)).exec());
        } catch (NotFoundException e) {
            log.debug("Network {} was gone already", networkName(sessionId));
        }
    }

    /** How many sessions have containers on this node. */
    public int sessionsHeld() {
        return (int) containersOnNode().stream().map(container -> container.getLabels().get(ContainerLabels.SESSION))
                .filter(Objects::nonNull).distinct().count();
    }

    private CreateContainerResponse create(DockerClient docker, UUID sessionId, String owner, ContainerSpec spec,
            String name, int position) {
        List<Integer> ports = spec.ports() == null ? List.of() : spec.ports();
        ContainerSpec.Limits own = spec.limits();
        long memory = own != null && own.memoryBytes() != null ? own.memoryBytes() : limits.memory().toBytes();
        boolean privileged = own != null && own.privileged();
        HostConfig host = HostConfig.newHostConfig()
                .withMemory(memory)
                .withMemorySwap(memory)
                .withNanoCPUs(own != null && own.nanoCpus() != null ? own.nanoCpus() : limits.nanoCpus())
                .withPidsLimit(limits.pidsLimit())
                .withPrivileged(privileged)
                .withInit(true)
                .withNetworkMode(networkName(sessionId))
                .withRestartPolicy(RestartPolicy.noRestart())
                .withLogConfig(BOUNDED_LOGS)
                .withPortBindings(ports.stream()
                        .map(port -> new PortBinding(Ports.Binding.bindIp(node.bindAddress()), ExposedPort.tcp(port)))
                        .toList());
        Map<String, String> labels = labels(sessionId, owner);
        labels.put(ContainerLabels.CONTAINER, spec.name());
        labels.put(POSITION_LABEL, Integer.toString(position));
        if (spec.readiness() != null) {
            labels.put(READINESS_LABEL, JSON.writeValueAsString(spec.readiness()));
        }
        if (spec.dependsOn() != null && !spec.dependsOn().isEmpty()) {
            labels.put(DEPENDS_ON_LABEL, String.join(",", spec.dependsOn()));
        }
        if (!privileged) {
            host.withCapDrop(Capability.ALL).withSecurityOpts(List.of("no-new-privileges"));
        }
        Map<String, String> env = spec.env() == null ? Map.of() : spec.env();
        CreateContainerCmd create = docker.createContainerCmd(spec.image());
        if (spec.command() != null && !spec.command().isEmpty()) {
            create.withCmd(spec.command());
        }
        return create
                .withName(name)
                .withLabels(labels)
                .withEnv(env.entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue()).toList())
                .withExposedPorts(ports.stream().map(ExposedPort::tcp).toList())
                .withHostConfig(host)
                .withAliases(spec.name())
                .exec();
    }

    private Map<String, String> labels(UUID sessionId, String owner) {
        Map<String, String> labels = new HashMap<>();
        labels.put(ContainerLabels.SESSION, sessionId.toString());
        labels.put(ContainerLabels.NODE, node.id());
        labels.put(ContainerLabels.OWNER, Objects.requireNonNullElse(owner, ""));
        return labels;
    }

    private static List<PublishedPort> publishedPorts(InspectContainerResponse container) {
        return container.getNetworkSettings().getPorts().getBindings().entrySet().stream()
                .filter(entry -> entry.getValue() != null)
                .flatMap(entry -> Arrays.stream(entry.getValue())
                        .map(binding -> new PublishedPort(entry.getKey().getPort(), binding.getHostIp(),
                                Integer.parseInt(binding.getHostPortSpec()))))
                .sorted(Comparator.comparingInt(PublishedPort::containerPort))
                .toList();
    }
}
