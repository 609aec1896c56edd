package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.berth.contracts.ContainerLabels;
import tools.jackson.databind.JsonNode;

/**
 * The built-in todo-stack template: two sessions at once, each a web front end, an API and a PostgreSQL of
 * its own, used through the preview like a visitor would; neither database reachable from elsewhere.
 */
class TodoStackIT {

    private static final Duration WITHIN = Duration.ofSeconds(120);
    private static Stack stack;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        stack = SharedStack.get();
        api = new Api(stack.gatewayUrl(), stack.token("todo-" + UUID.randomUUID(), false));
    }

    private static Api.Response todo(String session, String method, String path, String body) {
        return api.call(method, "/preview/" + session + "/3000" + path, body);
    }

    private static List<String> titles(String session) {
        Api.Response listed = todo(session, "GET", "/api/todos", null);
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        return listed.json().findValues("title").stream().map(JsonNode::asString).toList();
    }

    /** Whether {@code host:port} can be connected to from inside the session's first container. */
    private static String reach(String session, String host, int port) {
        JsonNode result = api.call("POST", "/api/v1/sessions/" + session + "/exec", Api.JSON.writeValueAsString(
                Map.of("command", List.of("node", "-e", "const s = require('net').connect(" + port + ", '" + host
                        + "'); s.setTimeout(3000, () => { console.log('unreachable'); process.exit(0); });"
                        + " s.on('connect', () => { console.log('reached'); process.exit(0); });"
                        + " s.on('error', e => { console.log('unreachable ' + e.code); process.exit(0); });"),
                        "timeoutSeconds", 20))).json();
        return result.path("stdout").asString().strip();
    }

    @Test
    void twoSessionsEachHaveTheirOwnToDosAndDatabase() {
        String first = api.create("{\"template\": \"todo-stack\"}").path("id").asString();
        String second = api.create("{\"template\": \"todo-stack\"}").path("id").asString();
        String workspace = api.create("{}").path("id").asString();
        JsonNode running = api.awaitStatus(first, "RUNNING", WITHIN);
        api.awaitStatus(second, "RUNNING", WITHIN);
        api.awaitStatus(workspace, "RUNNING", WITHIN);
        assertThat(running.path("containers").findValues("name").stream().map(JsonNode::asString))
                .containsExactly("web", "api", "db");

        Api.Response page = todo(first, "GET", "/", null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<title>To-do</title>");

        assertThat(todo(first, "POST", "/api/todos", "{\"title\": \"milk for the first\"}").status()).isEqualTo(201);
        JsonNode bread = todo(first, "POST", "/api/todos", "{\"title\": \"bread\"}").json();
        assertThat(todo(second, "POST", "/api/todos", "{\"title\": \"tea for the second\"}").status())
                .isEqualTo(201);
        assertThat(titles(first)).containsExactly("milk for the first", "bread");
        assertThat(titles(second)).containsExactly("tea for the second");

        JsonNode done = todo(first, "PATCH", "/api/todos/" + bread.path("id").asInt(), "{\"done\": true}").json();
        assertThat(done.path("done").asBoolean()).isTrue();
        assertThat(todo(first, "DELETE", "/api/todos/" + bread.path("id").asInt(), null).status()).isEqualTo(204);
        assertThat(titles(first)).containsExactly("milk for the first");
        assertThat(todo(first, "POST", "/api/todos", "{\"title\": \"\"}").status()).isEqualTo(400);

        // the first session's database, by its address, from the second session and from a workspace session
        String database = stack.docker().inspectContainerCmd(running.path("containers").get(2).path("containerId")
                .asString()).exec().getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
        assertThat(reach(second, database, 5432)).startsWith("unreachable");
        assertThat(reach(workspace, database, 5432)).startsWith("unreachable");
        assertThat(reach(second, "db", 5432)).as("its own database, by name").isEqualTo("reached");

        for (String id : List.of(first, second, workspace)) {
            api.delete(id);
        }
        for (String id : List.of(first, second, workspace)) {
            api.awaitStatus(id, "TERMINATED", WITHIN);
        }
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(stack.containers()).noneMatch(container -> List.of(first, second, workspace)
                    .contains(container.getLabels().get(ContainerLabels.SESSION)));
            assertThat(stack.networks()).noneMatch(network -> network.getName().endsWith(first)
                    || network.getName().endsWith(second) || network.getName().endsWith(workspace));
        });
    }
}
