package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Terminals through the gateway and the relay, with a real WebSocket client and a real shell. */
class TerminalIT {

    private static final Duration RUNNING_WITHIN = Duration.ofSeconds(60);
    private static final Duration SHORT = Duration.ofSeconds(15);
    private static Stack stack;
    private static String owner;
    private static Api api;
    private static String session;

    @BeforeAll
    static void startSession() throws Exception {
        stack = SharedStack.get();
        owner = "user-" + UUID.randomUUID().toString().substring(0, 8);
        api = new Api(stack.gatewayUrl(), stack.token(owner, false));
        session = running(api);
    }

    private static String running(Api client) {
        String id = client.create("{}").path("id").asString();
        client.awaitStatus(id, "RUNNING", RUNNING_WITHIN);
        return id;
    }

    /** Starts a terminal; answers the 201 body (id, ticket, links, ...). */
    static JsonNode open(Api client, String sessionId, String body) {
        return started(client.call("POST", "/api/v1/sessions/" + sessionId + "/terminals", body));
    }

    /** Starts a terminal in the session's container of that name. */
    static JsonNode openIn(Api client, String sessionId, String container) {
        return started(client.call("POST", "/api/v1/sessions/" + sessionId + "/terminals?container=" + container,
                null));
    }

    private static JsonNode started(Api.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(201);
        return response.json();
    }

    static String ticket(Api client, String sessionId, String terminalId) {
        Api.Response response = client.call("POST",
                "/api/v1/sessions/" + sessionId + "/terminals/" + terminalId + "/ticket", null);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("ticket").asString();
    }

    static TerminalClient connect(Stack on, JsonNode terminal, String ticket) throws Exception {
        return TerminalClient.connect(on.gatewayUrl() + terminal.path("links").path("ws").asString() + "?ticket="
                + ticket, null);
    }

    private static TerminalClient openAndConnect(String body) throws Exception {
        JsonNode terminal = open(api, session, body);
        return connect(stack, terminal, terminal.path("ticket").asString());
    }

    @Test
    void typedCommandsAnswerThroughTheShell() throws Exception {
        try (TerminalClient terminal = openAndConnect(null)) {
            terminal.type("echo $((6*7))-ok\r");
            terminal.await("42-ok", SHORT);
            terminal.type("echo $TERM $0 $PWD\r");
            terminal.await("xterm-256color bash /workspace", SHORT);
        }
    }

    @Test
    void resizingChangesWhatSttySizeReports() throws Exception {
        try (TerminalClient terminal = openAndConnect("{\"cols\": 100, \"rows\": 30}")) {
            terminal.type("stty size\r");
            terminal.await("30 100", SHORT);
            terminal.control("{\"type\": \"resize\", \"cols\": 123, \"rows\": 45}");
            terminal.type("stty size\r");
            terminal.await("45 123", SHORT);
        }
    }

    @Test
    void ctrlCInterruptsTheForegroundProgram() throws Exception {
        try (TerminalClient terminal = openAndConnect(null)) {
            terminal.type("sleep 100\r");
            Thread.sleep(700);
            terminal.type("\u0003");
            terminal.type("echo interrupted-$?\r");
            terminal.await("interrupted-130", SHORT);
        }
    }

    @Test
    void twentyMegabytesOfOutputArriveCompleteAndInOrder() throws Exception {
        int lines = 2_600_000;
        try (TerminalClient terminal = openAndConnect("{\"cols\": 200}")) {
            terminal.type("seq 1 " + lines + "; echo DONE-$((1+1))\r");
            String text = terminal.await("\nDONE-2", Duration.ofSeconds(180));
            // after the echoed command line (and the shell's escape sequences), the first line of seq
            int from = text.indexOf("1\r\n2\r\n3\r\n", text.indexOf("DONE-$((1+1))"));
            String[] got = text.substring(from, text.indexOf("DONE-2", from)).split("\r\n");
            assertThat(terminal.size()).isGreaterThan(20_000_000);
            assertThat(got).hasSize(lines);
            for (int i = 0; i < lines; i++) {
                if (!got[i].equals(Integer.toString(i + 1))) {
                    throw new AssertionError("line " + (i + 1) + " is \"" + got[i] + "\"");
                }
            }
        }
    }

    @Test
    void aReconnectReplaysTheScrollbackAndKeepsTheShell() throws Exception {
        JsonNode opened = open(api, session, null);
        String id = opened.path("id").asString();
        try (TerminalClient first = connect(stack, opened, opened.path("ticket").asString())) {
            first.type("export MARK=kept-$((40+2)); echo mark-$MARK\r");
            first.await("mark-kept-42", SHORT);
        }
        JsonNode listed = api.call("GET", "/api/v1/sessions/" + session + "/terminals/" + id, null).json();
        assertThat(listed.path("status").asString()).isEqualTo("RUNNING");
        try (TerminalClient again = connect(stack, opened, ticket(api, session, id))) {
            again.await("mark-kept-42", SHORT);
            again.type("echo again-$MARK\r");
            again.await("again-kept-42", SHORT);
        }
    }

    @Test
    void twoViewersSeeTheSameShell() throws Exception {
        JsonNode opened = open(api, session, null);
        String id = opened.path("id").asString();
        try (TerminalClient a = connect(stack, opened, opened.path("ticket").asString());
                TerminalClient b = connect(stack, opened, ticket(api, session, id))) {
            a.type("echo both-$((2+3))\r");
            a.await("both-5", SHORT);
            b.await("both-5", SHORT);
            b.type("echo other-$((3+4))\r");
            a.await("other-7", SHORT);
            b.await("other-7", SHORT);
            JsonNode view = api.call("GET", "/api/v1/sessions/" + session + "/terminals/" + id, null).json();
            assertThat(view.path("viewers").asInt()).isEqualTo(2);
        }
    }

    @Test
    void fullScreenProgramsWork() throws Exception {
        try (TerminalClient terminal = openAndConnect("{\"cols\": 120, \"rows\": 40}")) {
            terminal.type("top\r");
            terminal.await("load average", SHORT);
            Thread.sleep(1_000); // top drops what is typed while it sets the terminal up
            terminal.type("q");
            Thread.sleep(500);
            terminal.type("echo top-done-$((1+1))\r");
            terminal.await("top-done-2", SHORT);
            terminal.type("vi /tmp/vi-test.txt\r");
            Thread.sleep(700);
            terminal.type("ihello from vi\u001b");
            terminal.type(":wq\r");
            terminal.await("written", SHORT);
            terminal.type("cat /tmp/vi-test.txt; echo vi-done-$((2+2))\r");
            String text = terminal.await("vi-done-4", SHORT);
            assertThat(text).contains("hello from vi\r\nvi-done-4");
        }
    }

    @Test
    void aCommandRunsInItsDirectoryAndItsExitIsReported() throws Exception {
        JsonNode opened = open(api, session, "{\"command\": \"pwd; exit 3\", \"cwd\": \"/tmp\"}");
        try (TerminalClient terminal = connect(stack, opened, opened.path("ticket").asString())) {
            terminal.await("/tmp", SHORT);
            assertThat(terminal.awaitClose(SHORT).code()).isEqualTo(1000);
            List<String> controls = new ArrayList<>();
            for (String control; (control = terminal.nextControl(Duration.ofMillis(100))) != null;) {
                controls.add(control);
            }
            assertThat(controls).contains("{\"type\":\"exit\",\"code\":3}");
        }
        JsonNode ended = api.call("GET", "/api/v1/sessions/" + session + "/terminals/" + opened.path("id").asString(),
                null).json();
        assertThat(ended.path("status").asString()).isEqualTo("EXITED");
        assertThat(ended.path("exitCode").asInt()).isEqualTo(3);
    }

    @Test
    void badControlMessagesAreAnsweredAndTheTerminalGoesOn() throws Exception {
        try (TerminalClient terminal = openAndConnect(null)) {
            terminal.control("not json");
            assertThat(terminal.nextControl(SHORT)).contains("\"type\":\"error\"").contains("JSON control message");
            terminal.control("{\"type\": \"resize\", \"cols\": 0, \"rows\": 10}");
            assertThat(terminal.nextControl(SHORT)).contains("cols must be a whole number from 1 to 1000");
            terminal.control("{\"type\": \"input\", \"data\": \"echo still-$((5+5))\\r\"}");
            terminal.await("still-10", SHORT);
        }
    }

    @Test
    void badRequestsGetProblems() {
        for (String body : List.of("{\"cols\": 0}", "{\"rows\": \"many\"}", "{\"command\": 5}", "{\"cwd\": \"tmp\"}",
                "{\"shell\": \"zsh\"}", "[1]", "{not json")) {
            Api.Response response = api.call("POST", "/api/v1/sessions/" + session + "/terminals", body);
            assertThat(response.status()).as(body).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
        }
        Api.Response missing = api.call("POST", "/api/v1/sessions/" + session + "/terminals/nope/ticket", null);
        assertThat(missing.status()).isEqualTo(404);
    }

    @Test
    void anotherOwnerAndSpentOrExpiredTicketsAreRefused() throws Exception {
        JsonNode opened = open(api, session, null);
        String id = opened.path("id").asString();
        String ticket = opened.path("ticket").asString();
        Api stranger = new Api(stack.gatewayUrl(), stack.token("user-" + UUID.randomUUID(), false));
        assertThat(stranger.call("POST", "/api/v1/sessions/" + session + "/terminals", null).status()).isEqualTo(404);
        assertThat(stranger.call("GET", "/api/v1/sessions/" + session + "/terminals", null).status()).isEqualTo(404);
        assertThat(stranger.call("POST", "/api/v1/sessions/" + session + "/terminals/" + id + "/ticket", null)
                .status()).isEqualTo(404);
        // the gateway finds no session of theirs to route to: the handshake is refused
        assertThatThrownBy(() -> TerminalClient.connect(stack.gatewayUrl() + opened.path("links").path("ws")
                .asString(), stranger.token()))
                .hasCauseInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
                        .isEqualTo(404));
        try (TerminalClient first = connect(stack, opened, ticket)) {
            first.type("echo first-$((1+1))\r");
            first.await("first-2", SHORT);
        }
        try (TerminalClient spent = connect(stack, opened, ticket)) {
            WebSocketClient.Close close = spent.awaitClose(SHORT);
            assertThat(close.code()).isEqualTo(4401);
            assertThat(close.reason()).contains("ticket");
        }
        String expiring = ticket(api, session, id);
        Thread.sleep(6_000); // the system tests' relays issue tickets for 5 s
        try (TerminalClient late = connect(stack, opened, expiring)) {
            assertThat(late.awaitClose(SHORT).code()).isEqualTo(4401);
            assertThat(late.size()).isZero();
        }
        try (TerminalClient none = TerminalClient.connect(stack.gatewayUrl() + opened.path("links").path("ws")
                .asString(), null)) {
            assertThat(none.awaitClose(SHORT).code()).isEqualTo(4401);
        }
    }

    @Test
    void deletingTheSessionEndsItsShells() throws Exception {
        Api client = new Api(stack.gatewayUrl(), stack.token(owner, false));
        String other = running(client);
        JsonNode opened = open(client, other, null);
        try (TerminalClient terminal = connect(stack, opened, opened.path("ticket").asString())) {
            terminal.type("echo alive-$((1+2))\r");
            terminal.await("alive-3", SHORT);
            client.delete(other);
            WebSocketClient.Close close = terminal.awaitClose(Duration.ofSeconds(60));
            assertThat(close.code()).isEqualTo(1000);
            assertThat(terminal.nextControl(SHORT)).startsWith("{\"type\":\"exit\"");
        }
        client.awaitStatus(other, "TERMINATED", Duration.ofSeconds(60));
        Api.Response refused = client.call("POST", "/api/v1/sessions/" + other + "/terminals", null);
        assertThat(refused.status()).isIn(404, 409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
    }

    @Test
    void deletingATerminalEndsItsShell() throws Exception {
        JsonNode opened = open(api, session, null);
        String id = opened.path("id").asString();
        try (TerminalClient terminal = connect(stack, opened, opened.path("ticket").asString())) {
            terminal.type("echo before-$((1+1))\r");
            terminal.await("before-2", SHORT);
            Api.Response deleted = api.call("DELETE", "/api/v1/sessions/" + session + "/terminals/" + id, null);
            assertThat(deleted.status()).isEqualTo(202);
            assertThat(terminal.awaitClose(SHORT).code()).isEqualTo(1000);
        }
        Api.Response listed = api.call("GET", "/api/v1/sessions/" + session + "/terminals", null);
        assertThat(listed.json().findValues("id").stream().map(JsonNode::asString)).contains(id);
        assertThat(api.call("DELETE", "/api/v1/sessions/" + session + "/terminals/" + id, null).status())
                .isEqualTo(204);
        assertThat(api.call("GET", "/api/v1/sessions/" + session + "/terminals/" + id, null).status())
                .isEqualTo(404);
    }

    @Test
    void aShellNobodyWatchesEndsAfterTheGracePeriod() throws Exception {
        // the system tests' relays keep an unwatched shell for 15 s
        JsonNode opened = open(api, session, null);
        String self = opened.path("links").path("self").asString();
        long started = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> api.call("GET", self, null).json().path("status").asString().equals("EXITED"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofSeconds(10));
    }
}
