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
 * its own, used through the preview like a visitor would; neither session's database or API reachable from the
 * other's containers or from a workspace session.
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

    /** The address of the session's container of that name on the session's network. */
    private static String address(JsonNode session, String name) {
        for (JsonNode container : session.path("containers")) {
            if (name.equals(container.path("name").asString())) {
                return stack.docker().inspectContainerCmd(container.path("containerId").asString()).exec()
                        .getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
            }
        }
        throw new AssertionError("No container " + name + " in " + session);
    }

    /**
     * Whether {@code host:port} can be connected to from inside the session's container of that name (null: its
     * first), with one command and a short connect timeout.
     */
    private static String reach(String session, String container, String host, int port) {
        String script = "const s = require('net').connect(" + port + ", '" + host
                + "'); s.setTimeout(2000, () => { console.log('unreachable'); process.exit(0); });"
                + " s.on('connect', () => { console.log('reached'); process.exit(0); });"
                + " s.on('error', e => { console.log('unreachable ' + e.code); process.exit(0); });";
        Api.Response result = api.call("POST", "/api/v1/sessions/" + session + "/exec"
                + (container == null ? "" : "?container=" + container), Api.JSON.writeValueAsString(
                Map.of("command", List.of("node", "-e", script), "timeoutSeconds", 20)));
        assertThat(result.status()).as(result.body()).isEqualTo(200);
        return result.json().path("stdout").asString().strip();
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
                .containsExactly("db", "api", "web");

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

        // each session's database and API, by their addresses, from the other session's web and API
        // containers and from a workspace session; each reaches its own by name
        JsonNode secondRunning = api.get(second);
        String firstDb = address(running, "db");
        String secondDb = address(secondRunning, "db");
        String firstApi = address(running, "api");
        String secondApi = address(secondRunning, "api");
        int apiPort = 4000;
        assertThat(reach(second, "web", firstDb, 5432)).startsWith("unreachable");
        assertThat(reach(workspace, null, firstDb, 5432)).startsWith("unreachable");
        assertThat(reach(first, "web", secondDb, 5432)).startsWith("unreachable");
        assertThat(reach(first, "api", secondDb, 5432)).startsWith("unreachable");
        assertThat(reach(first, "api", secondApi, apiPort)).startsWith("unreachable");
        assertThat(reach(second, "api", firstApi, apiPort)).startsWith("unreachable");
        assertThat(reach(second, "web", "db", 5432)).as("its own database, by name").isEqualTo("reached");
        assertThat(reach(first, "api", "db", 5432)).as("its own database, by name").isEqualTo("reached");
        assertThat(reach(first, "web", "api", apiPort)).as("its own API, by name").isEqualTo("reached");

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

    @Test
    void commandsTerminalsFilesAndLogsReachTheContainerNamed() throws Exception {
        String session = api.create("{\"template\": \"todo-stack\"}").path("id").asString();
        api.awaitStatus(session, "RUNNING", WITHIN);
        String base = "/api/v1/sessions/" + session;
        String port = "{\"command\": \"echo port=$PORT\"}";
        assertThat(api.call("POST", base + "/exec", port).json().path("stdout").asString())
                .as("the first container listed, db, by default").isEqualTo("port=\n");
        assertThat(api.call("POST", base + "/exec?container=api", port).json().path("stdout").asString())
                .isEqualTo("port=4000\n");

        Api.Response unknown = api.call("POST", base + "/exec?container=wbe", port);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.contentType()).startsWith("application/problem+json");
        assertThat(unknown.json().path("detail").asString()).contains("'wbe'", "db, api, web");

        Api.Response background = api.call("POST", base + "/exec?container=web",
                "{\"command\": [\"sleep\", \"60\"], \"background\": true}");
        assertThat(background.status()).as(background.body()).isEqualTo(202);
        assertThat(background.json().path("container").asString()).isEqualTo("web");

        Map<String, String> bytes = Map.of("Content-Type", "application/octet-stream");
        assertThat(api.call("PUT", base + "/files?path=/tmp/note.txt&container=web", "for web", bytes).status())
                .isEqualTo(201);
        assertThat(api.call("GET", base + "/files?path=/tmp/note.txt&container=web", null).body())
                .isEqualTo("for web");
        assertThat(api.call("GET", base + "/files?path=/tmp/note.txt&container=api", null).status())
                .as("another container's file system").isEqualTo(404);
        assertThat(api.call("GET", base + "/files/list?path=/tmp&container=web", null).body())
                .contains("note.txt");

        JsonNode terminal = TerminalIT.openIn(api, session, "api");
        assertThat(terminal.path("container").asString()).isEqualTo("api");
        try (TerminalClient shell = TerminalIT.connect(stack, terminal, terminal.path("ticket").asString())) {
            shell.type("echo in-$PORT\r");
            shell.await("in-4000", Duration.ofSeconds(20));
        }
        assertThat(api.call("GET", base + "/terminals", null).json().findValues("container").stream()
                .map(JsonNode::asString)).containsExactly("api");

        try (EventStream logs = EventStream.open(stack.gatewayUrl() + base + "/logs?container=web", api.token())) {
            assertThat(logs.status()).isEqualTo(200);
            EventStream.Event line = logs.next("log", Duration.ofSeconds(20));
            assertThat(line).as("the web container's log").isNotNull();
            assertThat(line.json().path("message").asString()).contains("to-do web on 3000");
        }
        api.delete(session);
    }
}
