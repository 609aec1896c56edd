package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Commands in a session through the gateway: in the foreground, and in the background with their output. */
class ExecIT {

    private static final Duration RUNNING_WITHIN = Duration.ofSeconds(60);
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
        client.awaitStatus(id, "RUNNING", RUNNING_WITHIN);
        return id;
    }

    private static Api.Response exec(Api client, String id, String body) {
        return client.call("POST", "/api/v1/sessions/" + id + "/exec", body);
    }

    /** Runs a command in the foreground and answers its result; fails unless the answer is 200. */
    private static JsonNode run(String body) {
        Api.Response response = exec(api, session, body);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("application/json");
        return response.json();
    }

    private static String json(Object value) {
        return Api.JSON.writeValueAsString(value);
    }

    @Test
    void echoAnswersItsOutputAndExitCode() {
        JsonNode result = run("{\"command\": [\"echo\", \"hello\"]}");
        assertThat(result.path("exitCode").asInt()).isZero();
        assertThat(result.path("stdout").asString()).isEqualTo("hello\n");
        assertThat(result.path("stderr").asString()).isEmpty();
        assertThat(result.path("stdoutTruncated").asBoolean()).isFalse();
        assertThat(result.path("stderrTruncated").asBoolean()).isFalse();
        assertThat(result.path("timedOut").asBoolean()).isFalse();
        assertThat(result.path("durationMs").isIntegralNumber()).isTrue();
    }

    @Test
    void aFailingCommandAnswersItsExitCodeAndStderrApart() {
        JsonNode result = run("{\"command\": \"echo out; echo oops >&2; exit 3\"}");
        assertThat(result.path("exitCode").asInt()).isEqualTo(3);
        assertThat(result.path("stdout").asString()).isEqualTo("out\n");
        assertThat(result.path("stderr").asString()).isEqualTo("oops\n");
        assertThat(result.path("timedOut").asBoolean()).isFalse();
    }

    @Test
    void anArgvIsNotInterpretedButAStringRunsInAShell() {
        assertThat(run("{\"command\": [\"echo\", \"$((1+2))\", \"a;b\"]}").path("stdout").asString())
                .isEqualTo("$((1+2)) a;b\n");
        assertThat(run("{\"command\": \"echo $((1+2)); echo a\"}").path("stdout").asString()).isEqualTo("3\na\n");
    }

    @Test
    void theWorkingDirectoryAndEnvironmentApply() {
        JsonNode result = run(json(Map.of("command", "pwd; echo \"$GREETING\"", "cwd", "/tmp",
                "env", Map.of("GREETING", "hi there"))));
        assertThat(result.path("stdout").asString()).isEqualTo("/tmp\nhi there\n");
        assertThat(run("{\"command\": [\"pwd\"]}").path("stdout").asString()).isEqualTo("/workspace\n");
    }

    @Test
    void aCommandReadsAnEmptyInput() {
        JsonNode result = run("{\"command\": \"cat; echo done\", \"timeoutSeconds\": 20}");
        assertThat(result.path("stdout").asString()).isEqualTo("done\n");
        assertThat(result.path("timedOut").asBoolean()).isFalse();
    }

    @Test
    void aTimeoutKillsTheCommandAndWhatItStarted() {
        JsonNode result = run("{\"command\": [\"sleep\", \"100\"], \"timeoutSeconds\": 1}");
        assertThat(result.path("timedOut").asBoolean()).isTrue();
        assertThat(result.path("exitCode").isNull()).isTrue();
        assertThat(result.path("durationMs").asLong()).isBetween(1000L, 10_000L);

        // ignores TERM, and leaves a child holding the output open: KILL ends both
        result = run("{\"command\": \"trap '' TERM; echo started; sleep 101 & sleep 102\", \"timeoutSeconds\": 1}");
        assertThat(result.path("timedOut").asBoolean()).isTrue();
        assertThat(result.path("stdout").asString()).isEqualTo("started\n");
        assertThat(result.path("durationMs").asLong()).isLessThan(15_000L);

        assertThat(run("{\"command\": [\"ps\", \"-eo\", \"args\"]}").path("stdout").asString())
                .doesNotContain("sleep 100").doesNotContain("sleep 101").doesNotContain("sleep 102");
    }

    @Test
    void aTimeoutAnswersEvenWhenAProcessOutsideTheCommandHoldsItsOutput() {
        // the child sheds the mark the relay kills by, and keeps stdout open
        JsonNode result = run("{\"command\": \"env -u BERTH_PROCESS sleep 103 & echo spawned; wait\", "
                + "\"timeoutSeconds\": 1}");
        assertThat(result.path("timedOut").asBoolean()).isTrue();
        assertThat(result.path("stdout").asString()).isEqualTo("spawned\n");
        assertThat(result.path("durationMs").asLong()).isLessThan(15_000L);
        run("{\"command\": \"pkill -f 'sleep 103'; true\"}");
    }

    @Test
    void hugeOutputIsCutAndFlagged() {
        JsonNode result = run("{\"command\": \"head -c 3000000 /dev/zero | tr '\\\\0' a; echo end >&2\"}");
        assertThat(result.path("exitCode").asInt()).isZero();
        assertThat(result.path("stdout").asString()).hasSize(1024 * 1024).matches("a+");
        assertThat(result.path("stdoutTruncated").asBoolean()).isTrue();
        assertThat(result.path("stderr").asString()).isEqualTo("end\n");
        assertThat(result.path("stderrTruncated").asBoolean()).isFalse();
    }

    @Test
    void badRequestsAreProblemsNamingTheField() {
        for (String[] bad : new String[][] {
            {"{}", "command is required"},
            {"{\"command\": \"ls\", \"shell\": true}", "shell is not a known field"},
            {"{\"command\": \"ls\", \"timeoutSeconds\": 0}", "timeoutSeconds must be"},
            {"{\"command\": \"ls\", \"cwd\": \"tmp\"}", "cwd must be an absolute path"},
            {"{\"command\": \"ls\", \"env\": {\"9X\": \"1\"}}", "env names must be"},
            {"{\"command\": [\"ls\", 1]}", "command[1] must be a string"},
            {"not json", "body is not valid JSON"}}) {
            Api.Response response = exec(api, session, bad[0]);
            assertThat(response.status()).as(bad[0]).isEqualTo(400);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.json().path("type").asString()).isEqualTo("urn:berth:problem:invalid-request");
            assertThat(response.json().path("detail").asString()).as(bad[0]).startsWith(bad[1]);
        }
        Api.Response tooLarge = exec(api, session, "{\"command\": \"" + "x".repeat(300_000) + "\"}");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.json().path("type").asString()).isEqualTo("urn:berth:problem:content-too-large");
        assertThat(tooLarge.json().path("detail").asString()).isEqualTo("body must be at most 256 KB");
    }

    @Test
    void aBackgroundServerKeepsRunningAndItsOutputCanBeFollowed() throws Exception {
        String server = "require('http').createServer((q, s) => { console.log('request ' + q.url); s.end('pong'); })"
                + ".listen(3001, () => console.log('listening'))";
        Api.Response started = exec(api, session, json(Map.of("command", List.of("node", "-e", server),
                "background", true)));
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        JsonNode process = started.json();
        String processId = process.path("processId").asString();
        String self = "/api/v1/sessions/" + session + "/processes/" + processId;
        assertThat(process.path("status").asString()).isEqualTo("RUNNING");
        assertThat(process.path("command").path(0).asString()).isEqualTo("node");
        assertThat(Instant.parse(process.path("startedAt").asString())).isBefore(Instant.now().plusSeconds(1));
        assertThat(process.path("links").path("self").asString()).isEqualTo(self);
        assertThat(process.path("links").path("output").asString()).isEqualTo(self + "/output");

        try (EventStream output = EventStream.open(stack.gatewayUrl() + self + "/output?follow=true",
                stack.token(owner, false))) {
            assertThat(output.status()).as(output.body()).isEqualTo(200);
            assertThat(awaitOutput(output, "listening")).isEqualTo("stdout");

            JsonNode reply = run(json(Map.of("command", List.of("node", "-e",
                    "require('http').get('http://127.0.0.1:3001/hi', r => r.pipe(process.stdout))"))));
            assertThat(reply.path("stdout").asString()).isEqualTo("pong");
            awaitOutput(output, "request /hi");

            JsonNode listed = api.call("GET", "/api/v1/sessions/" + session + "/processes", null).json();
            assertThat(listed.findValuesAsString("processId")).contains(processId);
            assertThat(api.call("GET", self, null).json().path("status").asString()).isEqualTo("RUNNING");

            Api.Response killed = api.call("DELETE", self, null);
            assertThat(killed.status()).isEqualTo(202);
            EventStream.Event exit = output.next("exit", Duration.ofSeconds(20));
            assertThat(exit).as("exit event").isNotNull();
            assertThat(exit.json().path("status").asString()).isEqualTo("KILLED");
            assertThat(output.untilEnd(Duration.ofSeconds(5))).isEmpty();
        }
        JsonNode ended = api.call("GET", self, null).json();
        assertThat(ended.path("status").asString()).isEqualTo("KILLED");
        assertThat(ended.path("endedAt").asString()).isNotBlank();
        JsonNode probe = run(json(Map.of("command", List.of("node", "-e",
                "require('http').get('http://127.0.0.1:3001/', () => console.log('up')).on('error', () => console.log('down'))"))));
        assertThat(probe.path("stdout").asString()).isEqualTo("down\n");

        // the retained output and the exit stay readable until the ended process is deleted
        try (EventStream replay = EventStream.open(stack.gatewayUrl() + self + "/output",
                stack.token(owner, false))) {
            List<EventStream.Event> events = replay.untilEnd(Duration.ofSeconds(10));
            assertThat(events).extracting(EventStream.Event::name).containsSubsequence("output", "exit");
            assertThat(String.join("", events.stream().filter(e -> e.name().equals("output"))
                    .map(e -> e.json().path("text").asString()).toList())).isEqualTo("listening\nrequest /hi\n");
        }
        assertThat(api.call("DELETE", self, null).status()).isEqualTo(204);
        assertThat(api.call("GET", self, null).status()).isEqualTo(404);
    }

    @Test
    void aBackgroundProcessEndsOnItsOwnWithItsExitCodeAndIsFollowedWithATicket() throws Exception {
        Api.Response started = exec(api, session, "{\"command\": \"echo one; sleep 1; echo two >&2; exit 7\", "
                + "\"background\": true}");
        assertThat(started.status()).isEqualTo(202);
        String output = started.json().path("links").path("output").asString();
        JsonNode ticket = api.call("POST", output + "/ticket", null).json();
        assertThat(ticket.path("expiresAt").asString()).isNotBlank();
        try (EventStream events = EventStream.open(stack.gatewayUrl() + output + "?follow=true&ticket="
                + ticket.path("ticket").asString(), (String) null)) {
            assertThat(events.status()).as(events.body()).isEqualTo(200);
            List<EventStream.Event> all = events.untilEnd(Duration.ofSeconds(20));
            assertThat(all).extracting(EventStream.Event::name).containsExactly("output", "output", "exit");
            assertThat(all.get(0).json().path("stream").asString()).isEqualTo("stdout");
            assertThat(all.get(0).json().path("text").asString()).isEqualTo("one\n");
            assertThat(all.get(1).json().path("stream").asString()).isEqualTo("stderr");
            assertThat(all.get(1).json().path("text").asString()).isEqualTo("two\n");
            assertThat(all.get(2).json().path("exitCode").asInt()).isEqualTo(7);
            assertThat(all.get(2).json().path("status").asString()).isEqualTo("EXITED");
        }
        // a ticket is good once
        try (EventStream again = EventStream.open(stack.gatewayUrl() + output + "?ticket="
                + ticket.path("ticket").asString(), (String) null)) {
            assertThat(again.status()).isEqualTo(401);
        }
    }

    @Test
    void aSessionRunsABoundedNumberOfBackgroundProcesses() {
        Api client = new Api(stack.gatewayUrl(), stack.token(owner(), false));
        String id = running(client);
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Api.Response response = exec(client, id, "{\"command\": [\"sleep\", \"300\"], \"background\": true}");
            assertThat(response.status()).as(response.body()).isEqualTo(202);
            started.add(response.json().path("processId").asString());
        }
        Api.Response refused = exec(client, id, "{\"command\": [\"sleep\", \"300\"], \"background\": true}");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().path("type").asString()).isEqualTo("urn:berth:problem:too-many-processes");

        String first = "/api/v1/sessions/" + id + "/processes/" + started.getFirst();
        assertThat(client.call("DELETE", first, null).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> client.call("GET", first, null).json().path("status")
                .asString().equals("KILLED"));
        assertThat(exec(client, id, "{\"command\": [\"true\"], \"background\": true}").status()).isEqualTo(202);
        client.delete(id);
    }

    @Test
    void anotherOwnerFindsNothing() throws Exception {
        Api stranger = new Api(stack.gatewayUrl(), stack.token(owner(), false));
        Api.Response response = exec(stranger, session, "{\"command\": [\"id\"]}");
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().path("type").asString()).isEqualTo("urn:berth:problem:not-found");
        assertThat(stranger.call("GET", "/api/v1/sessions/" + session + "/processes", null).status()).isEqualTo(404);
        try (EventStream output = EventStream.open(stack.gatewayUrl() + "/api/v1/sessions/" + session
                + "/processes/" + UUID.randomUUID() + "/output", stack.token(owner(), false))) {
            assertThat(output.status()).isEqualTo(404);
        }
        Api admin = new Api(stack.gatewayUrl(), stack.token("admin-" + UUID.randomUUID(), true));
        assertThat(exec(admin, session, "{\"command\": [\"true\"]}").status()).isEqualTo(200);
    }

    @Test
    void aDeletedSessionEndsItsProcessesAndRefusesCommands() throws Exception {
        String someone = owner();
        Api client = new Api(stack.gatewayUrl(), stack.token(someone, false));
        String id = running(client);
        Api.Response started = exec(client, id, "{\"command\": [\"sleep\", \"300\"], \"background\": true}");
        String output = started.json().path("links").path("output").asString();
        try (EventStream events = EventStream.open(stack.gatewayUrl() + output + "?follow=true",
                stack.token(someone, false))) {
            assertThat(events.status()).isEqualTo(200);
            client.delete(id);
            EventStream.Event exit = events.next("exit", Duration.ofSeconds(30));
            assertThat(exit).as("exit event after the session was deleted").isNotNull();
            // ended with its container: the engine tells a SIGKILL (137), or nothing once the container is gone
            JsonNode ended = exit.json();
            assertThat(ended.path("status").asString()).isIn("EXITED", "KILLED");
            if (ended.path("status").asString().equals("EXITED")) {
                assertThat(ended.path("exitCode").asInt()).isEqualTo(137);
            }
        }
        // the relay trusts what it learned of a session for a second (berth.relay.placement-cache-ttl)
        Api.Response refused = await().atMost(Duration.ofSeconds(5)).until(
                () -> exec(client, id, "{\"command\": [\"true\"]}"), response -> response.status() != 200);
        assertThat(refused.status()).isIn(404, 409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
    }

    /** Reads output events until one holds {@code text}; answers its stream. */
    private static String awaitOutput(EventStream output, String text) throws InterruptedException {
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            EventStream.Event event = output.next("output", Duration.ofSeconds(1));
            if (event != null) {
                seen.append(event.json().path("text").asString());
                if (event.json().path("text").asString().contains(text)) {
                    return event.json().path("stream").asString();
                }
            }
        }
        throw new AssertionError("no output with '" + text + "' in 20 s; got: " + seen);
    }
}
