package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.github.dockerjava.api.command.InspectContainerResponse;

import dev.berth.contracts.ContainerLabels;
import tools.jackson.databind.JsonNode;

/**
 * The built-in docker template: refused until an operator enables it, then only for callers with the role the
 * operator names, one per owner; its session has a Docker Engine of its own that runs images loaded into it,
 * whose published ports have previews; deleting it leaves no container, network or volume.
 */
class DockerPlaygroundIT {

    private static final Duration WITHIN = Duration.ofSeconds(120);
    private static Stack stack;
    private static Path enabling;

    @BeforeAll
    static void start() throws Exception {
        stack = SharedStack.get();
        enabling = stack.templates().resolve("docker.yml");
    }

    @AfterAll
    static void disable() throws Exception {
        Files.deleteIfExists(enabling);
    }

    @Test
    void aDockerEngineOfTheSessionsOwnOnceAnOperatorEnablesIt() throws Exception {
        String owner = "docker-" + UUID.randomUUID();
        Api learner = new Api(stack.gatewayUrl(), stack.token(owner, List.of("playground")));
        Api other = new Api(stack.gatewayUrl(), stack.token("plain-" + UUID.randomUUID(), false));

        Api.Response disabled = learner.call("POST", "/api/v1/sessions", "{\"template\": \"docker\"}");
        assertThat(disabled.status()).as(disabled.body()).isEqualTo(403);
        assertThat(disabled.json().path("detail").asString()).contains("disabled");

        // what an operator writes to enable it, naming the role that may use it
        Files.writeString(enabling, "name: docker\nenabled: true\nrole: playground\n");
        Api.Response refused = other.call("POST", "/api/v1/sessions", "{\"template\": \"docker\"}");
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().path("detail").asString()).contains("role playground");
        assertThat(learner.call("GET", "/api/v1/templates", null).json().findValues("name").stream()
                .map(JsonNode::asString)).contains("docker");

        String id = learner.create("{\"template\": \"docker\"}").path("id").asString();
        JsonNode running = learner.awaitStatus(id, "RUNNING", WITHIN);
        InspectContainerResponse container = stack.docker()
                .inspectContainerCmd(running.path("containers").get(0).path("containerId").asString()).exec();
        assertThat(container.getHostConfig().getPrivileged()).isTrue();
        String volume = container.getMounts().stream()
                .filter(mount -> "/var/lib/docker".equals(mount.getDestination().getPath()))
                .findFirst().orElseThrow().getName();

        Api.Response second = learner.call("POST", "/api/v1/sessions", "{\"template\": \"docker\"}");
        assertThat(second.status()).as(second.body()).isEqualTo(409);
        assertThat(second.json().path("existingSessionId").asString()).isEqualTo(id);

        JsonNode ran = exec(learner, id, "docker image save busybox -o /tmp/busybox.tar && docker image rm -f busybox"
                + " >/dev/null && docker load -i /tmp/busybox.tar && docker run --rm busybox echo hello from inside");
        assertThat(ran.path("exitCode").asInt()).as(ran.toString()).isZero();
        assertThat(ran.path("stdout").asString()).contains("Loaded image: busybox:latest")
                .endsWith("hello from inside\n");

        JsonNode served = exec(learner, id, "docker run -d -p 8080:8080 busybox sh -c "
                + "'mkdir /www && echo served by busybox > /www/index.html && exec httpd -f -p 8080 -h /www'");
        assertThat(served.path("exitCode").asInt()).as(served.toString()).isZero();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Api.Response page = learner.call("GET", "/preview/" + id + "/8080/", null);
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body()).isEqualTo("served by busybox\n");
        });

        learner.delete(id);
        learner.awaitStatus(id, "TERMINATED", WITHIN);
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(stack.containers()).noneMatch(c -> id.equals(c.getLabels().get(ContainerLabels.SESSION)));
            assertThat(stack.networks()).noneMatch(network -> network.getName().endsWith(id));
            assertThat(stack.docker().listVolumesCmd().exec().getVolumes())
                    .noneMatch(listed -> listed.getName().equals(volume));
        });
    }

    private static JsonNode exec(Api api, String id, String command) {
        Api.Response response = api.call("POST", "/api/v1/sessions/" + id + "/exec",
                Api.JSON.writeValueAsString(Map.of("command", command, "timeoutSeconds", 60)));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json();
    }
}
