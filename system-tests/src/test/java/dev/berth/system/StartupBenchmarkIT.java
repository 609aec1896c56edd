package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;

import dev.berth.contracts.ContainerLabels;
import tools.jackson.databind.JsonNode;

/**
 * Time from {@code POST /api/v1/sessions} until RUNNING is visible on the event stream, against a raw
 * docker-java network create + container create + start + inspect with the provisioner's settings, in one
 * run on the same engine and image, interleaved so both see the same machine. Prints figures; asserts none
 * about speed. Run with {@code infra/dev bench}.
 */
@EnabledIfSystemProperty(named = "berth.bench", matches = "true")
class StartupBenchmarkIT {

    private static final int WARMUP = 3;
    private static final int ROUNDS = 20;
    private static final String RAW_NODE = "bench-raw-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void postUntilRunningAgainstRawDockerCreateAndStart() throws Exception {
        try (Stack stack = Stack.start(false)) {
            Api api = new Api(stack.gatewayUrl(), stack.token("bench-" + UUID.randomUUID(), false));
            DockerClient docker = stack.docker();
            List<Long> berth = new ArrayList<>();
            List<Long> raw = new ArrayList<>();
            try (Api.EventStream events = api.events()) {
                for (int round = 0; round < WARMUP + ROUNDS; round++) {
                    long rawNanos = rawCreateAndStart(docker);
                    long berthNanos = berthCreateUntilRunning(api, events);
                    if (round >= WARMUP) {
                        raw.add(rawNanos);
                        berth.add(berthNanos);
                    }
                }
            } finally {
                removeRaw(docker);
            }
            report(berth, raw);
        }
    }

    private static long berthCreateUntilRunning(Api api, Api.EventStream events) throws InterruptedException {
        long started = System.nanoTime();
        String id = api.create("{}").path("id").asString();
        JsonNode running = events.await(id, "RUNNING", Duration.ofSeconds(60));
        long elapsed = System.nanoTime() - started;
        assertThat(running).as("session %s reached RUNNING", id).isNotNull();
        api.delete(id);
        assertThat(events.await(id, "TERMINATED", Duration.ofSeconds(60))).isNotNull();
        return elapsed;
    }

    /** What the provisioner does for the default template, straight against the engine. */
    private static long rawCreateAndStart(DockerClient docker) {
        String name = "berth-bench-" + UUID.randomUUID();
        Map<String, String> labels = new HashMap<>(Map.of(ContainerLabels.NODE, RAW_NODE,
                ContainerLabels.SESSION, name, ContainerLabels.OWNER, "bench"));
        long started = System.nanoTime();
        docker.createNetworkCmd().withName(name).withDriver("bridge").withCheckDuplicate(true).withLabels(labels)
                .exec();
        labels.put(ContainerLabels.CONTAINER, "workspace");
        HostConfig host = HostConfig.newHostConfig()
                .withMemory(1L << 30).withMemorySwap(1L << 30).withNanoCPUs(1_000_000_000L).withPidsLimit(512L)
                .withCapDrop(Capability.ALL).withSecurityOpts(List.of("no-new-privileges")).withPrivileged(false)
                .withInit(true).withNetworkMode(name).withRestartPolicy(RestartPolicy.noRestart())
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of("max-size", "10m",
                        "max-file", "2")))
                .withPortBindings(new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(3000)));
        String id = docker.createContainerCmd(Stack.IMAGE).withName(name + "-workspace").withLabels(labels)
                .withExposedPorts(ExposedPort.tcp(3000)).withHostConfig(host).withAliases("workspace").exec().getId();
        docker.startContainerCmd(id).exec();
        docker.inspectContainerCmd(id).exec();
        long elapsed = System.nanoTime() - started;
        docker.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        docker.removeNetworkCmd(name).exec();
        return elapsed;
    }

    private static void removeRaw(DockerClient docker) {
        docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(ContainerLabels.NODE, RAW_NODE)).exec()
                .forEach(c -> docker.removeContainerCmd(c.getId()).withForce(true).exec());
        docker.listNetworksCmd().withFilter("label", List.of(ContainerLabels.NODE + "=" + RAW_NODE)).exec()
                .forEach(n -> docker.removeNetworkCmd(n.getId()).exec());
    }

    private static void report(List<Long> berth, List<Long> raw) {
        Stats b = Stats.of(berth);
        Stats r = Stats.of(raw);
        System.out.printf(Locale.ROOT, "%nSession start-up, %d sessions one after another (after %d warm-up rounds)%n",
                ROUNDS, WARMUP);
        System.out.printf(Locale.ROOT, "%-44s %8s %8s %8s %8s%n", "", "p50 ms", "p95 ms", "min ms", "max ms");
        System.out.printf(Locale.ROOT, "%-44s %8.1f %8.1f %8.1f %8.1f%n", "Berth: POST until RUNNING on the event stream",
                b.p50(), b.p95(), b.min(), b.max());
        System.out.printf(Locale.ROOT, "%-44s %8.1f %8.1f %8.1f %8.1f%n", "docker-java: network+create+start+inspect",
                r.p50(), r.p95(), r.min(), r.max());
        System.out.printf(Locale.ROOT, "%-44s %8.2f %8.2f%n", "ratio Berth / docker-java", b.p50() / r.p50(),
                b.p95() / r.p95());
    }
}
