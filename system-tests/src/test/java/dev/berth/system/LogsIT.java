package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * A session container's output as JSON lines, over server-sent events and over a WebSocket, through the
 * gateway. The workspace's main process prints nothing; a command in the session writes to the container's
 * output through {@code /proc/1/fd/1} and {@code /proc/1/fd/2} (the container's non-root user owns its init).
 */
class LogsIT {

    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static Stack stack;
    private static String owner;
    private static Api api;
    private static String session;

    @BeforeAll
    static void startSession() throws Exception {
        stack = SharedStack.get();
        owner = owner();
        api = new Api(stack.gatewayUrl(), stack.token(owner, false));
        session = running(api);
    }

    private static String owner() {
        return "user-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String running(Api client) {
        String id = client.create("{}").path("id").asString();
        client.awaitStatus(id, "RUNNING", Duration.ofSeconds(60));
        return id;
    }

    /** Writes to the container's stdout and stderr from inside the session. */
    private static void print(Api client, String id, String stdout, String stderr) {
        String script = (stdout == null ? "" : "printf '%s\\n' \"$OUT\" > /proc/1/fd/1; ")
                + (stderr == null ? "" : "printf '%s\\n' \"$ERR\" > /proc/1/fd/2; ") + "true";
        Map<String, String> env = new HashMap<>();
        if (stdout != null) {
            env.put("OUT", stdout);
        }
        if (stderr != null) {
            env.put("ERR", stderr);
        }
        Api.Response response = client.call("POST", "/api/v1/sessions/" + id + "/exec",
                Api.JSON.writeValueAsString(Map.of("command", script, "env", env)));
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.json().path("exitCode").asInt()).as(response.body()).isZero();
    }

    private static String logs(String id, String query) {
        return stack.gatewayUrl() + "/api/v1/sessions/" + id + "/logs" + query;
    }

    private static List<JsonNode> logEvents(List<EventStream.Event> events) {
        return events.stream().filter(event -> event.name().equals("log")).map(EventStream.Event::json).toList();
    }

    @Test
    void linesWrittenToTheContainersOutputArriveAsServerSentEvents() throws Exception {
        String marker = UUID.randomUUID().toString();
        Instant before = Instant.now().minusSeconds(5);
        print(api, session, "out " + marker, "err " + marker);
        try (EventStream events = EventStream.open(logs(session, ""), stack.token(owner, false))) {
            assertThat(events.status()).as(events.body()).isEqualTo(200);
            List<EventStream.Event> all = events.untilEnd(WITHIN);
            assertThat(all.getLast().name()).isEqualTo("end");
            List<JsonNode> lines = logEvents(all);
            JsonNode out = lines.stream().filter(l -> l.path("message").asString().equals("out " + marker))
                    .findFirst().orElseThrow(() -> new AssertionError("no stdout line in " + all));
            JsonNode err = lines.stream().filter(l -> l.path("message").asString().equals("err " + marker))
                    .findFirst().orElseThrow(() -> new AssertionError("no stderr line in " + all));
            assertThat(out.path("stream").asString()).isEqualTo("stdout");
            assertThat(err.path("stream").asString()).isEqualTo("stderr");
            for (JsonNode line : List.of(out, err)) {
                assertThat(Instant.parse(line.path("timestamp").asString())).isBetween(before,
                        Instant.now().plusSeconds(5));
            }
        }
    }

    @Test
    void tailStartsWithTheLastLinesAndFollowKeepsStreaming() throws Exception {
        String marker = UUID.randomUUID().toString();
        print(api, session, "tail-1 " + marker + "\ntail-2 " + marker + "\ntail-3 " + marker, null);
        try (EventStream events = EventStream.open(logs(session, "?tail=2"), stack.token(owner, false))) {
            assertThat(logEvents(events.untilEnd(WITHIN))).extracting(line -> line.path("message").asString())
                    .containsExactly("tail-2 " + marker, "tail-3 " + marker);
        }
        try (EventStream events = EventStream.open(logs(session, "?tail=0&follow=true"), stack.token(owner, false))) {
            assertThat(events.status()).isEqualTo(200);
            assertThat(events.next(Duration.ofMillis(500))).as("nothing before new output").isNull();
            print(api, session, null, "followed " + marker);
            EventStream.Event line = events.next("log", WITHIN);
            assertThat(line).as("followed line").isNotNull();
            assertThat(line.json().path("message").asString()).isEqualTo("followed " + marker);
            assertThat(line.json().path("stream").asString()).isEqualTo("stderr");
        }
    }

    @Test
    void aLongLineArrivesWhole() throws Exception {
        String marker = UUID.randomUUID().toString();
        String longLine = marker + " " + "x".repeat(40_000);
        String script = "{ printf '%s ' \"$MARK\"; head -c 40000 /dev/zero | tr '\\0' x; echo; } > /proc/1/fd/1";
        Api.Response printed = api.call("POST", "/api/v1/sessions/" + session + "/exec",
                Api.JSON.writeValueAsString(Map.of("command", script, "env", Map.of("MARK", marker))));
        assertThat(printed.json().path("exitCode").asInt()).as(printed.body()).isZero();
        try (EventStream events = EventStream.open(logs(session, "?tail=50"), stack.token(owner, false))) {
            List<JsonNode> lines = logEvents(events.untilEnd(WITHIN));
            int first = 0;
            while (!lines.get(first).path("message").asString().startsWith(marker)) {
                first++;
            }
            StringBuilder joined = new StringBuilder();
            for (JsonNode piece : lines.subList(first, lines.size())) {
                assertThat(piece.path("message").asString().length()).isLessThanOrEqualTo(16 * 1024);
                assertThat(piece.path("timestamp").asString()).isEqualTo(lines.get(first).path("timestamp").asString());
                joined.append(piece.path("message").asString());
            }
            assertThat(joined.toString()).isEqualTo(longLine);
        }
    }

    @Test
    void linesArriveOverAWebSocketWithABearerTokenOrATicket() throws Exception {
        String marker = UUID.randomUUID().toString();
        print(api, session, "ws " + marker, null);
        try (WebSocketClient socket = WebSocketClient.connect(logs(session, "?tail=all"), stack.token(owner, false))) {
            List<JsonNode> lines = new ArrayList<>();
            for (String text : socket.untilClose(WITHIN)) {
                lines.add(Api.JSON.readTree(text));
            }
            assertThat(lines).anySatisfy(line -> {
                assertThat(line.path("message").asString()).isEqualTo("ws " + marker);
                assertThat(line.path("stream").asString()).isEqualTo("stdout");
                assertThat(Instant.parse(line.path("timestamp").asString())).isNotNull();
            });
            assertThat(socket.awaitClose(WITHIN).code()).isEqualTo(1000);
        }

        String ticket = api.call("POST", "/api/v1/sessions/" + session + "/logs/ticket", null).json().path("ticket")
                .asString();
        try (WebSocketClient socket = WebSocketClient.connect(logs(session, "?tail=0&follow=true&ticket=" + ticket),
                (String) null)) {
            print(api, session, "live " + marker, null);
            String text = socket.next(WITHIN);
            assertThat(text).as("followed line").isNotNull();
            assertThat(Api.JSON.readTree(text).path("message").asString()).isEqualTo("live " + marker);
        }
        // the ticket was used up
        try (WebSocketClient socket = WebSocketClient.connect(logs(session, "?ticket=" + ticket), (String) null)) {
            assertThat(socket.awaitClose(WITHIN).code()).isEqualTo(4401);
        }
        try (EventStream events = EventStream.open(logs(session, "?ticket=" + ticket), (String) null)) {
            assertThat(events.status()).isEqualTo(401);
        }
    }

    @Test
    void badParametersAreRefusedNamingThem() throws Exception {
        for (String[] bad : new String[][] {{"?tail=ten", "tail must be"}, {"?tail=10001", "tail must be"},
            {"?follow=maybe", "follow must be true or false"}}) {
            try (EventStream events = EventStream.open(logs(session, bad[0]), stack.token(owner, false))) {
                assertThat(events.status()).as(bad[0]).isEqualTo(400);
                JsonNode problem = Api.JSON.readTree(events.body());
                assertThat(problem.path("type").asString()).isEqualTo("urn:berth:problem:invalid-request");
                assertThat(problem.path("detail").asString()).startsWith(bad[1]);
            }
        }
        try (WebSocketClient socket = WebSocketClient.connect(logs(session, "?tail=-1"), stack.token(owner, false))) {
            WebSocketClient.Close close = socket.awaitClose(WITHIN);
            assertThat(close.code()).isEqualTo(4400);
            assertThat(close.reason()).startsWith("tail must be");
        }
    }

    @Test
    void anotherOwnerIsRefused() throws Exception {
        String stranger = owner();
        try (EventStream events = EventStream.open(logs(session, ""), stack.token(stranger, false))) {
            assertThat(events.status()).isEqualTo(404);
        }
        assertThatThrownBy(() -> WebSocketClient.connect(logs(session, ""), stack.token(stranger, false)))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(
                        WebSocketHandshakeException.class, e -> assertThat(e.getResponse().statusCode()).isEqualTo(404));
        assertThat(api.call("POST", "/api/v1/sessions/" + session + "/logs/ticket", null).status()).isEqualTo(200);
        Api strangerApi = new Api(stack.gatewayUrl(), stack.token(stranger, false));
        assertThat(strangerApi.call("POST", "/api/v1/sessions/" + session + "/logs/ticket", null).status())
                .isEqualTo(404);

        // a ticket names one session: the stranger's own ticket does not open this one
        String own = running(strangerApi);
        String ticket = strangerApi.call("POST", "/api/v1/sessions/" + own + "/logs/ticket", null).json()
                .path("ticket").asString();
        try (WebSocketClient socket = WebSocketClient.connect(logs(session, "?ticket=" + ticket), (String) null)) {
            assertThat(socket.awaitClose(WITHIN).code()).isEqualTo(4401);
        }
        strangerApi.delete(own);
    }

    @Test
    void aDeletedSessionEndsItsLogStreamAndRefusesNewOnes() throws Exception {
        String someone = owner();
        Api client = new Api(stack.gatewayUrl(), stack.token(someone, false));
        String id = running(client);
        try (WebSocketClient socket = WebSocketClient.connect(logs(id, "?follow=true"), stack.token(someone, false));
                EventStream events = EventStream.open(logs(id, "?follow=true"), stack.token(someone, false))) {
            assertThat(events.status()).isEqualTo(200);
            client.delete(id);
            assertThat(socket.awaitClose(Duration.ofSeconds(30)).code()).isEqualTo(1000);
            assertThat(events.untilEnd(Duration.ofSeconds(30))).extracting(EventStream.Event::name).endsWith("end");
        }
        try (EventStream events = EventStream.open(logs(id, ""), stack.token(someone, false))) {
            assertThat(events.status()).isIn(404, 409);
            assertThat(Api.JSON.readTree(events.body()).path("type").asString()).startsWith("urn:berth:problem:");
        }
    }
}
