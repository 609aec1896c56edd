package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.berth.contracts.ContainerLabels;
import tools.jackson.databind.JsonNode;

/**
 * Sessions made from a template of two containers: each session's containers reach each other by name and
 * nothing of another session; every container's port has a preview; the session lives and dies as one.
 */
class TemplatesIT {

    private static final Duration WITHIN = Duration.ofSeconds(90);
    /** An HTTP server on {@code port} answering with {@code $ANSWER}, or with what {@code $ASK} answers. */
    private static final String SERVER = "const http = require('http');"
            + "http.createServer((q, r) => { if (!process.env.ASK) return r.end(process.env.ANSWER);"
            + " http.get(process.env.ASK, a => { let b = ''; a.on('data', d => b += d);"
            + " a.on('end', () => r.end('web sees ' + b)); }).on('error', e => r.end('web sees nothing: ' + e.code)); })"
            + ".listen(+process.env.PORT);";
    private static Stack stack;
    private static Api api;

    @BeforeAll
    static void writeTemplates() throws Exception {
        stack = SharedStack.get();
        api = new Api(stack.gatewayUrl(), stack.token("tpl-" + UUID.randomUUID(), false));
        String server = Api.JSON.writeValueAsString(List.of("node", "-e", SERVER));
        String readiness = Api.JSON.writeValueAsString(List.of("node", "-e", "require('http').get("
                + "'http://localhost:' + process.env.PORT, r => process.exit(0)).on('error', () => process.exit(1))"));
        Files.writeString(stack.templates().resolve("duo.yml"), """
                name: duo
                description: A web container and the API it asks
                maxPerOwner: 2
                containers:
                  - name: web
                    image: berth/workspace:latest
                    command: %s
                    env: {PORT: "3000", ASK: "http://api:4000/"}
                    ports: [3000]
                    readiness: %s
                    dependsOn: [api]
                  - name: api
                    image: berth/workspace:latest
                    command: %s
                    env: {PORT: "4000", ANSWER: "api of ${session.id} with ${secret.key}"}
                    ports: [4000]
                    readiness: %s
                    readinessTimeoutSeconds: 30
                """.formatted(server, readiness, server, readiness));
        Files.writeString(stack.templates().resolve("falls.yml"), """
                name: falls
                containers:
                  - name: web
                    image: berth/workspace:latest
                    dependsOn: [db]
                  - name: db
                    image: berth/workspace:latest
                    command: ["sh", "-c", "echo no disk for the database >&2; exit 4"]
                    readiness: ["false"]
                """);
        // an independent container runs (with a volume of its own: its image declares one) when the other exits
        Files.writeString(stack.templates().resolve("halfway.yml"), """
                name: halfway
                containers:
                  - name: up
                    image: berth/docker:latest
                    command: ["sleep", "infinity"]
                  - name: broken
                    image: berth/workspace:latest
                    command: ["sh", "-c", "sleep 4; echo the disk went away >&2; exit 7"]
                    readiness: ["false"]
                    readinessTimeoutSeconds: 60
                """);
    }

    /** Which of {@code ports} on {@code host} can be connected to from inside the session's first container. */
    private static String reach(String session, String host, List<Integer> ports) {
        JsonNode result = api.call("POST", "/api/v1/sessions/" + session + "/exec", Api.JSON.writeValueAsString(
                Map.of("command", List.of("node", "-e", "const net = require('net'); const out = [];"
                        + " const ports = " + ports + "; let left = ports.length;"
                        + " const done = (p, what) => { out.push(p + ' ' + what); if (--left === 0) {"
                        + " console.log(out.sort().join(', ')); process.exit(0); } };"
                        + " for (const p of ports) { const s = net.connect(p, '" + host + "');"
                        + " s.setTimeout(2000, () => { s.destroy(); done(p, 'unreachable'); });"
                        + " s.on('connect', () => { s.destroy(); done(p, 'reached'); });"
                        + " s.on('error', e => done(p, 'unreachable ' + e.code)); }"),
                        "timeoutSeconds", 20))).json();
        return result.path("stdout").asString().strip();
    }

    private static String preview(String sessionId, int port) {
        Api.Response page = api.call("GET", "/preview/" + sessionId + "/" + port + "/", null);
        assertThat(page.status()).as(page.body()).isEqualTo(200);
        return page.body();
    }

    @Test
    void eachSessionOfATemplateHasItsOwnContainersReachingOnlyEachOther() {
        assertThat(api.call("GET", "/api/v1/templates", null).json().findValues("name").stream()
                .map(JsonNode::asString)).contains("node", "duo", "falls");

        String first = api.create("{\"template\": \"duo\"}").path("id").asString();
        String second = api.create("{\"template\": \"duo\"}").path("id").asString();
        JsonNode running = api.awaitStatus(first, "RUNNING", WITHIN);
        api.awaitStatus(second, "RUNNING", WITHIN);
        assertThat(running.path("containers").findValues("name").stream().map(JsonNode::asString))
                .containsExactly("web", "api");
        assertThat(running.path("previews").findValues("port").stream().map(JsonNode::asInt))
                .containsExactly(3000, 4000);

        String answer = preview(first, 4000);
        assertThat(answer).startsWith("api of " + first + " with ");
        assertThat(preview(first, 3000)).isEqualTo("web sees " + answer);
        assertThat(preview(second, 3000)).startsWith("web sees api of " + second)
                .doesNotContain(answer.substring(answer.lastIndexOf(' ')));

        // the first session's API, asked from the second session's web container, by its address
        String firstApi = stack.docker().inspectContainerCmd(running.path("containers").get(1).path("containerId")
                .asString()).exec().getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
        JsonNode reached = api.call("POST", "/api/v1/sessions/" + second + "/exec", Api.JSON.writeValueAsString(
                Map.of("command", List.of("node", "-e", "const s = require('net').connect(4000, '"
                        + firstApi + "'); s.setTimeout(3000, () => { console.log('unreachable'); process.exit(0); });"
                        + " s.on('connect', () => { console.log('reached'); process.exit(0); });"
                        + " s.on('error', e => { console.log('unreachable ' + e.code); process.exit(0); });"),
                        "timeoutSeconds", 20))).json();
        assertThat(reached.path("stdout").asString()).startsWith("unreachable");

        // the host, through the session network's gateway address: none of Berth's internal services answers
        String hostSide = stack.docker().inspectContainerCmd(running.path("containers").get(0).path("containerId")
                .asString()).exec().getNetworkSettings().getNetworks().values().iterator().next().getGateway();
        int sessionService = stack.sessionService().port();
        int relay = stack.node().relay().port();
        int provisioner = stack.node().provisioner().port();
        assertThat(reach(first, hostSide, List.of(sessionService, relay, provisioner)))
                .as("session-service, relay and provisioner from a session container, via " + hostSide)
                .doesNotContain("reached").contains(sessionService + " unreachable").contains(relay + " unreachable")
                .contains(provisioner + " unreachable");

        // stop and start: every container stops, and every one runs and is ready again before RUNNING
        List<String> firstContainers = running.path("containers").findValues("containerId").stream()
                .map(JsonNode::asString).toList();
        assertThat(api.call("POST", "/api/v1/sessions/" + first + "/stop", null).status()).isLessThan(300);
        JsonNode stopped = api.awaitStatus(first, "STOPPED", WITHIN);
        assertThat(stopped.path("containers").findValues("name").stream().map(JsonNode::asString))
                .containsExactly("web", "api");
        assertThat(firstContainers).allSatisfy(container -> assertThat(stack.docker().inspectContainerCmd(container)
                .exec().getState().getRunning()).as(container).isFalse());
        assertThat(api.call("POST", "/api/v1/sessions/" + first + "/start", null).status()).isLessThan(300);
        JsonNode again = api.awaitStatus(first, "RUNNING", WITHIN);
        assertThat(again.path("containers").findValues("containerId").stream().map(JsonNode::asString))
                .containsExactlyElementsOf(firstContainers);
        assertThat(firstContainers).allSatisfy(container -> assertThat(stack.docker().inspectContainerCmd(container)
                .exec().getState().getRunning()).as(container).isTrue());
        assertThat(preview(first, 3000)).as("web answers with what its API says, at once")
                .startsWith("web sees api of " + first);

        Api.Response third = api.call("POST", "/api/v1/sessions", "{\"template\": \"duo\"}");
        assertThat(third.status()).isEqualTo(409);
        assertThat(third.json().path("existingSessionId").asString()).isEqualTo(first);

        api.delete(first);
        api.delete(second);
        api.awaitStatus(first, "TERMINATED", WITHIN);
        api.awaitStatus(second, "TERMINATED", WITHIN);
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(stack.containers()).noneMatch(container -> List.of(first, second)
                    .contains(container.getLabels().get(ContainerLabels.SESSION)));
            assertThat(stack.networks()).noneMatch(network -> network.getName().endsWith(first)
                    || network.getName().endsWith(second));
        });
    }

    @Test
    void aContainerThatFailsFailsTheSessionAndLeavesNothing() {
        String id = api.create("{\"template\": \"falls\"}").path("id").asString();
        JsonNode failed = awaitEnd(id);
        assertThat(failed.path("status").asString()).isEqualTo("FAILED");
        assertThat(failed.path("statusReason").asString()).startsWith("Container db exited with code 4")
                .contains("no disk for the database");
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(stack.containers()).noneMatch(container -> id.equals(
                    container.getLabels().get(ContainerLabels.SESSION)));
            assertThat(stack.networks()).noneMatch(network -> network.getName().endsWith(id));
        });
    }

    @Test
    void aContainerThatFailsWhileAnIndependentOneRunsFailsTheSessionAndLeavesNothing() {
        String id = api.create("{\"template\": \"halfway\"}").path("id").asString();
        List<String> volumes = await().atMost(WITHIN).until(() -> stack.containers().stream()
                .filter(container -> id.equals(container.getLabels().get(ContainerLabels.SESSION))
                        && "up".equals(container.getLabels().get(ContainerLabels.CONTAINER))
                        && "running".equals(container.getState()))
                .findFirst().map(container -> stack.docker().inspectContainerCmd(container.getId()).exec()
                        .getMounts().stream().map(mount -> mount.getName()).filter(Objects::nonNull).toList())
                .orElse(null), Objects::nonNull);
        assertThat(volumes).as("the running container's own volume").isNotEmpty();
        assertThat(api.get(id).path("status").asString()).as("still starting").isEqualTo("PROVISIONING");

        JsonNode failed = awaitEnd(id);
        assertThat(failed.path("status").asString()).isEqualTo("FAILED");
        assertThat(failed.path("statusReason").asString()).startsWith("Container broken exited with code 7")
                .contains("the disk went away");
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(stack.containers()).noneMatch(container -> id.equals(
                    container.getLabels().get(ContainerLabels.SESSION)));
            assertThat(stack.networks()).noneMatch(network -> network.getName().endsWith(id));
            assertThat(stack.docker().listVolumesCmd().exec().getVolumes()).noneMatch(volume -> volumes.contains(
                    volume.getName()));
        });
    }

    private static JsonNode awaitEnd(String id) {
        return await().atMost(WITHIN).until(() -> api.get(id),
                session -> List.of("FAILED", "RUNNING", "TERMINATED").contains(session.path("status").asString()));
    }
}
