package dev.berth.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.berth.contracts.SessionStatus;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v1/sessions/events}: the caller's session changes as server-sent events. */
class SessionEventStreamTest extends IntegrationTest {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void theOwnerSeesEachChangeAndNobodyElseDoes() throws Exception {
        String owner = owner();
        String token = token(owner, false);
        List<JsonNode> mine = listen(token);
        List<JsonNode> others = listen(token(owner(), false));
        List<JsonNode> admins = listen(token("root", true));

        String id = create(token, "{}").path("id").asString();
        String node = "node-" + UUID.randomUUID();
        report(id, 1, SessionStatus.PROVISIONING, node, null);
        // Consumers run in parallel, so a later event could overtake this one: wait until it is applied.
        awaitStatus(token, id, SessionStatus.PROVISIONING);
        report(id, 1, SessionStatus.RUNNING, node, null);
        awaitStatus(token, id, SessionStatus.RUNNING);

        await().atMost(WAIT).until(() -> statuses(mine, id).size() >= 3);
        assertThat(statuses(mine, id)).containsExactly("REQUESTED", "PROVISIONING", "RUNNING");
        await().atMost(WAIT).until(() -> statuses(admins, id).size() >= 3);
        assertThat(statuses(others, id)).isEmpty();
    }

    @Test
    void aClientThatReconnectsWithTheLastEventIdGetsWhatItMissed() throws Exception {
        String token = token(owner(), false);
        String id = create(token, "{}").path("id").asString();
        String node = "node-" + UUID.randomUUID();
        report(id, 1, SessionStatus.PROVISIONING, node, null);
        awaitStatus(token, id, SessionStatus.PROVISIONING);
        report(id, 1, SessionStatus.RUNNING, node, null);
        awaitStatus(token, id, SessionStatus.RUNNING);
        Long requested = jdbc.queryForObject("select min(id) from session_changes where session_id = ?", Long.class,
                UUID.fromString(id));

        List<JsonNode> replayed = listen(token, requested);

        await().atMost(WAIT).until(() -> statuses(replayed, id).size() >= 2);
        assertThat(statuses(replayed, id)).containsExactly("PROVISIONING", "RUNNING");
    }

    private static List<String> statuses(List<JsonNode> events, String id) {
        return events.stream().filter(event -> event.path("id").asString().equals(id))
                .map(event -> event.path("status").asString()).toList();
    }

    /** Collects the {@code session} events of a stream in the background. */
    private List<JsonNode> listen(String token) throws Exception {
        return listen(token, null);
    }

    private List<JsonNode> listen(String token, Long lastEventId) throws Exception {
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        HttpRequest.Builder builder = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/sessions/events"))
                .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            builder.header("Last-Event-ID", lastEventId.toString());
        }
        HttpRequest request = builder.build();
        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        String first = reader.readLine();
        assertThat(first).as("the stream opens with a comment").isEqualTo(":connected");
        Thread.ofVirtual().start(() -> {
            try {
                String event = null;
                for (String line; (line = reader.readLine()) != null;) {
                    if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:") && "session".equals(event)) {
                        events.add(json.readTree(line.substring(5)));
                    } else if (line.isEmpty()) {
                        event = null;
                    }
                }
            } catch (Exception e) {
                // the stream ended
            }
        });
        return events;
    }
}
