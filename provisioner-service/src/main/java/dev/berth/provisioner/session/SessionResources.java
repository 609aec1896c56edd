package dev.berth.provisioner.session;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
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

    /** Creates (unless it exists) and starts a container of the session; answers it as it runs. */
    ContainerState startContainer(UUID sessionId, String owner, ContainerSpec spec) {
        String name = containerName(sessionId, spec);
        try {
            engine.call(docker -> create(docker, sessionId, owner, spec, name));
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

    /** Starts the session's existing containers again; answers them as they run, with their new ports. */
    List<ContainerState> startAll(UUID sessionId) {
        for (Container container : containersOf(sessionId)) {
            try {
                engine.run(docker -> docker.startContainerCmd(container.getId()).exec());
            } catch (NotModifiedException e) {
                log.debug("Container {} runs already", container.getId());
            }
        }
        return states(sessionId);
    }

    private List<ContainerState> states(UUID sessionId) {
        return containersOf(sessionId).stream().map(container -> {
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

    private CreateContainerResponse create(DockerClient docker, UUID sessionId, String owner, ContainerSpec spec, String name) {
        List<Integer> ports = spec.ports() == null ? List.of() : spec.ports();
        HostConfig host = HostConfig.newHostConfig()
                .withMemory(limits.memory().toBytes())
                .withMemorySwap(limits.memory().toBytes())
                .withNanoCPUs(limits.nanoCpus())
                .withPidsLimit(limits.pidsLimit())
                .withCapDrop(Capability.ALL)
                .withSecurityOpts(List.of("no-new-privileges"))
                .withPrivileged(false)
                .withInit(true)
                .withNetworkMode(networkName(sessionId))
                .withRestartPolicy(RestartPolicy.noRestart())
                .withLogConfig(BOUNDED_LOGS)
                .withPortBindings(ports.stream()
                        .map(port -> new PortBinding(Ports.Binding.bindIp(node.bindAddress()), ExposedPort.tcp(port)))
                        .toList());
        Map<String, String> labels = labels(sessionId, owner);
        labels.put(ContainerLabels.CONTAINER, spec.name());
        Map<String, String> env = spec.env() == null ? Map.of() : spec.env();
        return docker.createContainerCmd(spec.image())
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
