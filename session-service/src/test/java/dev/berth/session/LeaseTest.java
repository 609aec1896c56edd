package dev.berth.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.berth.contracts.Messaging;
import dev.berth.contracts.NodeHeartbeat;
import dev.berth.contracts.SessionStatus;
import dev.berth.session.lease.LeaseProperties;
import dev.berth.session.lease.LeaseSweeper;
import dev.berth.session.session.Session;
import dev.berth.session.session.SessionChanges;
import dev.berth.session.session.SessionRepository;
import dev.berth.session.session.SessionService;
import tools.jackson.databind.JsonNode;

/**
 * Leases, the sweeper and quotas. Where a test needs time to have passed, it moves the session's timestamps back
 * in the database instead of waiting.
 */
class LeaseTest extends IntegrationTest {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    LeaseSweeper sweeper;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    SessionRepository sessions;

    @Autowired
    SessionService service;

    @Autowired
    SessionChanges changes;

    @Test
    void extendingALeaseIsCappedAtTheMaximumLifetime() {
        String token = token(owner(), false);
        JsonNode created = create(token, "{\"durationMinutes\": 60}");
        String id = created.path("id").asString();
        assertThat(created.path("remainingSeconds").asLong()).isBetween(3590L, 3600L);

        JsonNode extended = call("POST", "/api/v1/sessions/" + id + "/lease", token, "{\"extendMinutes\": 30}").json();
        assertThat(extended.path("extendedBySeconds").asLong()).isEqualTo(1800);
        assertThat(extended.path("capped").asBoolean()).isFalse();
        assertThat(Instant.parse(get(token, id).path("expiresAt").asString()))
                .isEqualTo(Instant.parse(extended.path("expiresAt").asString()));

        JsonNode capped = call("POST", "/api/v1/sessions/" + id + "/lease", token, "{\"extendMinutes\": 600}").json();
        assertThat(capped.path("capped").asBoolean()).isTrue();
        assertThat(capped.path("extendedBySeconds").asLong()).isEqualTo(5400);
        assertThat(capped.path("expiresAt").asString()).isEqualTo(capped.path("maxExpiresAt").asString());
        assertThat(Duration.between(Instant.parse(created.path("createdAt").asString()),
                Instant.parse(capped.path("expiresAt").asString()))).isEqualTo(Duration.ofHours(3));

        Response bad = call("POST", "/api/v1/sessions/" + id + "/lease", token, "{\"extendMinutes\": 0}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().path("errors").path(0).path("field").asString()).isEqualTo("extendMinutes");
        assertThat(call("POST", "/api/v1/sessions/" + id + "/lease", token(owner(), false),
                "{\"extendMinutes\": 5}").status()).isEqualTo(404);
        call("DELETE", "/api/v1/sessions/" + id, token, null);
        assertThat(call("POST", "/api/v1/sessions/" + id + "/lease", token, "{\"extendMinutes\": 5}").status())
                .isEqualTo(409);
    }

    @Test
    void anExpiredSessionIsEndedAndItsNodeToldToRemoveIt() {
        String token = token(owner(), false);
        String node = "node-" + UUID.randomUUID();
        String queue = nodeQueue(node).getName();
        String id = create(token, "{}").path("id").asString();
        report(id, 1, SessionStatus.RUNNING, node, null);
        awaitStatus(token, id, SessionStatus.RUNNING);

        jdbc.update("update sessions set expires_at = now() - interval '1 second' where id = ?", UUID.fromString(id));

        JsonNode ended = awaitStatus(token, id, SessionStatus.TERMINATING);
        assertThat(ended.path("terminationReason").asString()).isEqualTo("EXPIRED");
        assertThat(ended.path("remainingSeconds").asLong()).isZero();
        JsonNode delete = body(receiveFor(queue, id));
        assertThat(delete.path("reason").asString()).isEqualTo("EXPIRED");
        assertThat(delete.path("sequence").asLong()).isEqualTo(2);
    }

    @Test
    void expiredSessionsAreEndedOnceWhenSeveralSweepersRun() throws Exception {
        String owner = owner();
        String token = token(owner, false);
        String node = "node-" + UUID.randomUUID();
        String queue = nodeQueue(node).getName();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = create(token, "{}").path("id").asString();
            report(id, 1, SessionStatus.RUNNING, node, null);
            ids.add(id);
        }
        ids.forEach(id -> awaitStatus(token, id, SessionStatus.RUNNING));
        while (rabbit.receive(queue, 200) != null) {
            // the create commands
        }

        jdbc.update("update sessions set expires_at = now() - interval '1 second' where owner = ?",
                owner);
        // as if several session-service instances swept at once: the scheduled sweeper and two more
        List<CompletableFuture<Void>> sweeps = List.of(CompletableFuture.runAsync(sweeper::sweep),
                CompletableFuture.runAsync(sweeper::sweep));
        CompletableFuture.allOf(sweeps.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        ids.forEach(id -> assertThat(awaitStatus(token, id, SessionStatus.TERMINATING).path("terminationReason")
                .asString()).isEqualTo("EXPIRED"));

        Map<String, Integer> deletes = new HashMap<>();
        for (Message message; (message = rabbit.receive(queue, 2_000)) != null;) {
            deletes.merge(json.readTree(message.getBody()).path("sessionId").asString(), 1, Integer::sum);
        }
        assertThat(deletes).containsOnlyKeys(ids);
        assertThat(deletes.values()).as("one delete command per session").containsOnly(1);
    }

    @Test
    void theEventStreamWarnsBeforeExpiry() throws Exception {
        String token = token(owner(), false);
        CompletableFuture<JsonNode> warning = firstEvent(token, "expiring");
        String id = create(token, "{}").path("id").asString();

        jdbc.update("update sessions set expires_at = now() + interval '2 minutes' where id = ?", UUID.fromString(id));

        JsonNode warned = warning.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(warned.path("id").asString()).isEqualTo(id);
        assertThat(warned.path("remainingSeconds").asLong()).isBetween(100L, 120L);
    }

    @Test
    void anIdleSessionIsEndedButOneInUseIsNot() {
        String token = token(owner(), false);
        String idle = create(token, "{}").path("id").asString();
        String used = create(token, "{}").path("id").asString();
        report(idle, 1, SessionStatus.RUNNING, "node-idle", null);
        report(used, 1, SessionStatus.RUNNING, "node-idle", null);
        awaitStatus(token, idle, SessionStatus.RUNNING);
        awaitStatus(token, used, SessionStatus.RUNNING);
        jdbc.update("update sessions set running_at = now() - interval '1 hour', created_at = now() - interval "
                + "'1 hour' where id in (?, ?)", UUID.fromString(idle), UUID.fromString(used));

        Response touched = internal("/internal/v1/activity", "{\"sessionIds\": [\"" + used + "\"]}");
        assertThat(touched.status()).isEqualTo(204);

        assertThat(awaitStatus(token, idle, SessionStatus.TERMINATING).path("terminationReason").asString())
                .isEqualTo("IDLE");
        assertThat(get(token, used).path("status").asString()).isEqualTo("RUNNING");
    }

    @Test
    void aSessionStartedAgainAfterALongStopIsNotEndedIdleAtOnce() throws Exception {
        String token = token(owner(), false);
        String node = "node-" + UUID.randomUUID();
        String id = create(token, "{}").path("id").asString();
        report(id, 1, SessionStatus.RUNNING, node, null);
        awaitStatus(token, id, SessionStatus.RUNNING);
        assertThat(internal("/internal/v1/activity", "{\"sessionIds\": [\"" + id + "\"]}").status()).isEqualTo(204);
        assertThat(call("POST", "/api/v1/sessions/" + id + "/stop", token, null).status()).isEqualTo(202);
        report(id, 2, SessionStatus.STOPPED, node, null);
        awaitStatus(token, id, SessionStatus.STOPPED);
        assertThat(call("POST", "/api/v1/sessions/" + id + "/start", token, null).status()).isEqualTo(202);
        report(id, 3, SessionStatus.RUNNING, node, null);
        awaitStatus(token, id, SessionStatus.RUNNING);

        // it was stopped for an hour, its last activity before that; it runs again since just now
        jdbc.update("update sessions set last_activity_at = now() - interval '1 hour', created_at = now() - "
                + "interval '2 hours' where id = ?", UUID.fromString(id));
        sweeper.sweep();

        assertThat(get(token, id).path("status").asString()).isEqualTo("RUNNING");
    }

    @Test
    void whileTheLeaseIsPausedAStoppedSessionIsNeitherEndedIdleNorWarnedNorCountingDown() {
        String token = token(owner(), false);
        String node = "node-" + UUID.randomUUID();
        String stopped = create(token, "{}").path("id").asString();
        String running = create(token, "{}").path("id").asString();
        for (String id : List.of(stopped, running)) {
            report(id, 1, SessionStatus.RUNNING, node, null);
            awaitStatus(token, id, SessionStatus.RUNNING);
        }
        call("POST", "/api/v1/sessions/" + stopped + "/stop", token, null);
        report(stopped, 2, SessionStatus.STOPPED, node, null);
        awaitStatus(token, stopped, SessionStatus.STOPPED);
        // idle for 10 minutes and 20 minutes from the lease end: the scheduled sweeper (30 minutes idle, warning
        // 5 minutes before) leaves both alone; this one, with the lease paused while stopped, idles at 5 minutes
        // and warns 1 hour before
        jdbc.update("update sessions set last_activity_at = now() - interval '10 minutes', running_at = now() - "
                + "interval '10 minutes', created_at = now() - interval '10 minutes', stopped_at = now() - "
                + "interval '10 minutes', expires_at = now() + interval '20 minutes' where id in (?, ?)",
                UUID.fromString(stopped), UUID.fromString(running));
        LeaseProperties paused = new LeaseProperties(Duration.ofHours(3), Duration.ofSeconds(1), Duration.ofHours(1),
                Duration.ofMinutes(5), true, Duration.ofMinutes(10), Duration.ofMinutes(2));
        new LeaseSweeper(jdbc, transactions, sessions, service, changes, paused, Clock.systemUTC()).sweep();

        assertThat(get(token, running).path("terminationReason").asString()).as("the control").isEqualTo("IDLE");
        assertThat(get(token, stopped).path("status").asString()).isEqualTo("STOPPED");
        assertThat(jdbc.queryForObject("select expiry_warned_at is null from sessions where id = ?", Boolean.class,
                UUID.fromString(stopped))).isTrue();
        Session session = sessions.findById(UUID.fromString(stopped)).orElseThrow();
        Instant now = Instant.now();
        assertThat(session.remaining(now.plus(Duration.ofMinutes(15)), true).toMinutes()).as("paused at the stop")
                .isBetween(29L, 30L);
        assertThat(session.remaining(now, false).toMinutes()).isBetween(19L, 20L);
    }

    @Test
    void aTemplatesLongestLeaseCapsExtensionsToo() throws Exception {
        Path folder = Path.of(System.getProperty("java.io.tmpdir"), "berth-session-test-templates");
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("brief.yml"), """
                name: brief
                description: Short sessions only
                maxDurationMinutes: 20
                containers:
                  - name: workspace
                    image: berth/workspace:latest
                """);
        String token = token(owner(), false);
        JsonNode created = await().atMost(WAIT).until(() -> call("POST", "/api/v1/sessions", token,
                "{\"template\": \"brief\", \"durationMinutes\": 10}"), response -> response.status() == 202).json();
        String id = created.path("id").asString();

        JsonNode capped = call("POST", "/api/v1/sessions/" + id + "/lease", token, "{\"extendMinutes\": 60}").json();

        assertThat(capped.path("capped").asBoolean()).isTrue();
        assertThat(capped.path("extendedBySeconds").asLong()).isEqualTo(600);
        assertThat(Duration.between(Instant.parse(created.path("createdAt").asString()),
                Instant.parse(capped.path("expiresAt").asString()))).isEqualTo(Duration.ofMinutes(20));
        call("DELETE", "/api/v1/sessions/" + id, token, null);
    }

    @Test
    void aSessionNoNodeTookAndOneWhoseNodeWentSilentFail() {
        String token = token(owner(), false);
        String waiting = create(token, "{}").path("id").asString();
        jdbc.update("update sessions set created_at = now() - interval '11 minutes' where id = ?",
                UUID.fromString(waiting));
        assertThat(awaitStatus(token, waiting, SessionStatus.FAILED).path("statusReason").asString())
                .startsWith("No node took the session within");

        String node = "node-" + UUID.randomUUID();
        String placed = create(token, "{}").path("id").asString();
        report(placed, 1, SessionStatus.RUNNING, node, null);
        awaitStatus(token, placed, SessionStatus.RUNNING);
        Instant longAgo = Instant.now().minus(Duration.ofMinutes(10));
        rabbit.convertAndSend(Messaging.EVENTS, Messaging.NODE_HEARTBEAT, new NodeHeartbeat(UUID.randomUUID(), node,
                "http://127.0.0.1:8083", 10, 1, "20.10", longAgo, longAgo));

        JsonNode failed = awaitStatus(token, placed, SessionStatus.FAILED);
        assertThat(failed.path("statusReason").asString()).contains(node).contains("not been heard from");
        assertThat(failed.path("version").asLong()).as("later answers of the node are stale").isEqualTo(2);
    }

    @Test
    void aSessionWaitingForANodeSaysWhy() {
        jdbc.update("delete from nodes");
        String token = token(owner(), false);
        String waiting = create(token, "{}").path("id").asString();
        jdbc.update("update sessions set created_at = now() - interval '10 seconds' where id = ?",
                UUID.fromString(waiting));
        await().atMost(Duration.ofSeconds(30)).until(() -> get(token, waiting).path("statusReason").asString()
                .equals("Waiting for a node: none is online"));

        Instant now = Instant.now();
        rabbit.convertAndSend(Messaging.EVENTS, Messaging.NODE_HEARTBEAT, new NodeHeartbeat(UUID.randomUUID(),
                "node-full-" + UUID.randomUUID(), "http://127.0.0.1:8083", 1, 1, "20.10", now, now));
        JsonNode full = await().atMost(Duration.ofSeconds(30)).until(() -> get(token, waiting),
                session -> session.path("statusReason").asString().startsWith("Waiting for room"));
        assertThat(full.path("statusReason").asString())
                .isEqualTo("Waiting for room: all 1 online node(s) are at capacity");
        assertThat(full.path("status").asString()).isEqualTo("REQUESTED");
        call("DELETE", "/api/v1/sessions/" + waiting, token, null);
    }

    @Test
    void anOwnerHasAtMostTheConfiguredLiveSessions() {
        String owner = owner();
        String token = token(owner, false);
        String first = null;
        for (int i = 0; i < 6; i++) {
            String id = create(token, "{}").path("id").asString();
            first = first == null ? id : first;
        }

        Response refused = call("POST", "/api/v1/sessions", token, "{}");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.json().path("type").asString()).isEqualTo("urn:berth:problem:quota-exceeded");
        assertThat(refused.json().path("detail").asString()).contains("6");

        call("DELETE", "/api/v1/sessions/" + first, token, null);
        assertThat(call("POST", "/api/v1/sessions", token, "{}").status()).isEqualTo(202);

        JsonNode usage = call("GET", "/api/v1/usage", token("root", true), null).json();
        JsonNode mine = null;
        for (JsonNode row : usage) {
            if (row.path("owner").asString().equals(owner)) {
                mine = row;
            }
        }
        assertThat(mine).isNotNull();
        assertThat(mine.path("live").asLong()).isEqualTo(6);
        assertThat(mine.path("maxLive").asInt()).isEqualTo(6);
        assertThat(call("GET", "/api/v1/usage", token, null).status()).isEqualTo(403);
    }

    private Response internal(String path, String body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + path)).header("X-Berth-Internal-Token", "internal-test-token")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), "", response.body(), null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The data of the first event of that name on the caller's event stream. */
    private CompletableFuture<JsonNode> firstEvent(String token, String name) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/sessions/events"))
                .header("Authorization", "Bearer " + token).build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        CompletableFuture<JsonNode> found = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                String event = null;
                for (String line; (line = reader.readLine()) != null && !found.isDone();) {
                    if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:") && name.equals(event)) {
                        found.complete(json.readTree(line.substring(5)));
                    }
                }
            } catch (Exception e) {
                found.completeExceptionally(e);
            }
        });
        return found;
    }
}
