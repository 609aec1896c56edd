package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;

import dev.berth.contracts.ContainerLabels;
import tools.jackson.databind.JsonNode;

/** A user's whole path through the gateway, checked against what really runs in Docker. */
class SessionLifecycleIT {

    private static final Duration RUNNING_WITHIN = Duration.ofSeconds(60);
    private static Stack stack;

    @BeforeAll
    static void startStack() throws Exception {
        stack = SharedStack.get();
    }

    private static Api api(String owner) {
        return new Api(stack.gatewayUrl(), stack.token(owner, false));
    }

    private static String owner() {
        return "user-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aSessionRunsAHardenedContainerAndDeletingRemovesIt() throws Exception {
        String owner = owner();
        Api api = api(owner);
        String traceId = HexFormat.of().formatHex(randomBytes(16));
        try (Api.EventStream events = api.events()) {
            Api.Response created = api.call("POST", "/api/v1/sessions",
                    "{\"projectId\": \"lifecycle\", \"env\": {\"GREETING\": \"hi\"}}",
                    Map.of("traceparent", "00-" + traceId + "-" + HexFormat.of().formatHex(randomBytes(8)) + "-01"));
            assertThat(created.status()).isEqualTo(202);
            JsonNode session = created.json();
            String id = session.path("id").asString();
            assertThat(session.path("status").asString()).isEqualTo("REQUESTED");
            assertThat(session.path("owner").asString()).isEqualTo(owner);
            assertThat(session.path("expiresAt").asString()).isNotBlank();

            JsonNode running = api.awaitStatus(id, "RUNNING", RUNNING_WITHIN);
            assertThat(running.path("nodeId").asString()).isEqualTo(stack.node().id());
            JsonNode workspace = running.path("containers").path(0);
            String containerId = workspace.path("containerId").asString();
            JsonNode port = workspace.path("ports").path(0);
            assertThat(port.path("containerPort").asInt()).isEqualTo(3000);
            assertThat(port.path("hostIp").asString()).isEqualTo("127.0.0.1");

            InspectContainerResponse container = stack.docker().inspectContainerCmd(containerId).exec();
            assertThat(container.getState().getRunning()).isTrue();
            assertThat(container.getConfig().getLabels()).containsEntry(ContainerLabels.SESSION, id)
                    .containsEntry(ContainerLabels.OWNER, owner)
                    .containsEntry(ContainerLabels.NODE, stack.node().id());
            assertThat(container.getConfig().getEnv()).contains("GREETING=hi");
            assertThat(container.getConfig().getUser()).isEqualTo("berth");
            HostConfig host = container.getHostConfig();
            assertThat(host.getPrivileged()).isFalse();
            assertThat(host.getCapDrop()).contains(Capability.ALL);
            assertThat(host.getSecurityOpts()).anyMatch(option -> option.startsWith("no-new-privileges"));
            assertThat(host.getMemory()).isPositive();
            assertThat(host.getMemorySwap()).isEqualTo(host.getMemory());
            assertThat(host.getNanoCPUs()).isPositive();
            assertThat(host.getPidsLimit()).isPositive();
            Ports.Binding[] bindings = container.getNetworkSettings().getPorts().getBindings()
                    .get(ExposedPort.tcp(3000));
            assertThat(bindings).hasSize(1);
            assertThat(bindings[0].getHostIp()).isEqualTo("127.0.0.1");
            assertThat(bindings[0].getHostPortSpec()).isEqualTo(String.valueOf(port.path("hostPort").asInt()));
            assertThat(container.getNetworkSettings().getNetworks()).containsOnlyKeys("berth-" + id);

            Api.Response deleted = api.call("DELETE", "/api/v1/sessions/" + id, null);
            assertThat(deleted.status()).isEqualTo(202);
            assertThat(deleted.json().path("status").asString()).isEqualTo("TERMINATING");
            api.awaitStatus(id, "TERMINATED", RUNNING_WITHIN);
            assertThatThrownBy(() -> stack.docker().inspectContainerCmd(containerId).exec())
                    .isInstanceOf(NotFoundException.class);
            assertThat(stack.networks()).noneMatch(network -> network.getName().equals("berth-" + id));

            List<String> seen = new ArrayList<>();
            for (JsonNode event; (event = events.next(id, Duration.ofSeconds(5))) != null;) {
                seen.add(event.path("status").asString());
                if (seen.getLast().equals("TERMINATED")) {
                    break;
                }
            }
            assertThat(seen).containsExactly("REQUESTED", "PROVISIONING", "RUNNING", "TERMINATING", "TERMINATED");

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                for (ServiceProcess service : List.of(stack.gateway(), stack.sessionService(),
                        stack.node().provisioner())) {
                    assertThat(Files.readString(service.log())).as("trace id in the log of " + service.name())
                            .contains(traceId);
                }
            });
        }
    }

    @Test
    void aMissingImageFailsWithAReadableReasonAndLeavesNothing() {
        Api api = api(owner());
        String id = api.create("{\"image\": \"" + Stack.MISSING_IMAGE + "\"}").path("id").asString();

        await().atMost(RUNNING_WITHIN).until(() -> api.get(id).path("status").asString().equals("FAILED"));

        assertThat(api.get(id).path("statusReason").asString()).contains(Stack.MISSING_IMAGE);
        assertThat(stack.containers()).noneMatch(c -> id.equals(c.getLabels().get(ContainerLabels.SESSION)));
        assertThat(stack.networks()).noneMatch(network -> network.getName().equals("berth-" + id));
    }

    @Test
    void deletingAtAnyStageOfProvisioningLeavesNoContainer() {
        Api api = api(owner());
        List<String> ids = new ArrayList<>();
        for (long delay : List.of(0L, 30L, 150L, 400L)) {
            String id = api.create("{}").path("id").asString();
            Api.sleep(delay);
            api.delete(id);
            ids.add(id);
        }
        for (String id : ids) {
            api.awaitStatus(id, "TERMINATED", RUNNING_WITHIN);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(stack.containers()).noneMatch(c -> ids.contains(c.getLabels().get(ContainerLabels.SESSION)));
            assertThat(stack.networks()).noneMatch(n -> ids.stream().anyMatch(id -> n.getName().equals("berth-" + id)));
        });
    }

    @Test
    void deletingTwiceIsHarmlessAndDeleteAllEndsEverySessionOfTheCaller() {
        Api api = api(owner());
        Api other = api(owner());
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(api.create("{}").path("id").asString());
        }
        String othersId = other.create("{}").path("id").asString();
        for (String id : ids) {
            api.awaitStatus(id, "RUNNING", RUNNING_WITHIN);
        }
        assertThat(api.delete(ids.getFirst()).path("status").asString()).isEqualTo("TERMINATING");
        assertThat(api.delete(ids.getFirst()).path("status").asString()).isIn("TERMINATING", "TERMINATED");

        Api.Response all = api.call("DELETE", "/api/v1/sessions", null);

        assertThat(all.status()).isEqualTo(202);
        assertThat(all.json().path("count").asInt()).isEqualTo(2);
        for (String id : ids) {
            api.awaitStatus(id, "TERMINATED", RUNNING_WITHIN);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(stack.containers())
                .noneMatch(c -> ids.contains(c.getLabels().get(ContainerLabels.SESSION))));
        assertThat(other.awaitStatus(othersId, "RUNNING", RUNNING_WITHIN)).isNotNull();
        other.delete(othersId);
        other.awaitStatus(othersId, "TERMINATED", RUNNING_WITHIN);
    }

    @Test
    void theGatewayRefusesWhatItShould() {
        Api anonymous = new Api(stack.gatewayUrl(), null);
        Api.Response noToken = anonymous.call("GET", "/api/v1/sessions", null);
        assertThat(noToken.status()).isEqualTo(401);
        assertThat(noToken.contentType()).startsWith("application/problem+json");

        Api alice = api(owner());
        String id = alice.create("{\"durationMinutes\": 5}").path("id").asString();
        Api.Response foreign = api(owner()).call("GET", "/api/v1/sessions/" + id, null);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.contentType()).startsWith("application/problem+json");

        Api.Response unknownField = alice.call("POST", "/api/v1/sessions", "{\"imag\": \"x\"}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.json().path("errors").path(0).path("field").asString()).isEqualTo("imag");
        Api.Response notAllowed = alice.call("POST", "/api/v1/sessions", "{\"image\": \"ubuntu:latest\"}");
        assertThat(notAllowed.status()).isEqualTo(400);
        assertThat(notAllowed.json().path("errors").path(0).path("field").asString()).isEqualTo("image");
        Api.Response tooLong = alice.call("POST", "/api/v1/sessions", "{\"durationMinutes\": 100000}");
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("errors").path(0).path("field").asString()).isEqualTo("durationMinutes");

        JsonNode openApi = anonymous.call("GET", "/api/v1/openapi.json", null).json();
        assertThat(openApi.path("paths").has("/api/v1/sessions")).isTrue();
        alice.delete(id);
    }

    @Test
    void adminsSeeTheNodeAndEveryServiceIsHealthyWithMetrics() {
        Api admin = new Api(stack.gatewayUrl(), stack.token("admin-" + UUID.randomUUID(), true));
        String node = stack.node().id();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode nodes = admin.call("GET", "/api/v1/nodes", null).json();
            JsonNode found = null;
            for (JsonNode candidate : nodes) {
                if (candidate.path("id").asString().equals(node)) {
                    found = candidate;
                }
            }
            assertThat(found).as("node %s in %s", node, nodes).isNotNull();
            assertThat(found.path("online").asBoolean()).isTrue();
            assertThat(found.path("capacity").asInt()).isPositive();
            assertThat(found.path("relayAddress").asString()).startsWith("http://127.0.0.1:");
        });
        assertThat(api(owner()).call("GET", "/api/v1/nodes", null).status()).isEqualTo(403);

        Api direct = new Api(stack.sessionService().baseUrl(), null);
        String metrics = direct.call("GET", "/actuator/prometheus", null).body();
        assertThat(metrics).contains("berth_sessions{").contains("berth_session_time_to_running_seconds_bucket");
        assertThat(new Api(stack.gatewayUrl(), null).call("GET", "/actuator/health", null).body()).contains("UP");
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }
}
