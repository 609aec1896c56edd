package dev.berth.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.berth.contracts.Messaging;
import dev.berth.contracts.NodeHeartbeat;
import dev.berth.contracts.SessionStatus;
import tools.jackson.databind.JsonNode;

class ObservabilityTest extends IntegrationTest {

    @Test
    void prometheusShowsSessionsByStatusAndTheTimeToRunning() {
        String token = token(owner(), false);
        String id = create(token, "{}").path("id").asString();
        report(id, 1, SessionStatus.RUNNING, "node-m", null);
        awaitStatus(token, id, SessionStatus.RUNNING);

        await().atMost(WAIT).untilAsserted(() -> {
            String metrics = call("GET", "/actuator/prometheus", null, null).body();
            assertThat(metrics).containsPattern("berth_sessions\\{[^}]*status=\"RUNNING\"[^}]*} [1-9]");
            assertThat(metrics).contains("berth_session_time_to_running_seconds_bucket");
            assertThat(metrics).containsPattern("berth_session_time_to_running_seconds_count(\\{[^}]*})? [1-9]");
        });
    }

    @Test
    void healthIsPublicAndUp() {
        Response health = call("GET", "/actuator/health", null, null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asString()).isEqualTo("UP");
    }

    @Test
    void theOpenApiDescriptionListsTheSessionOperations() {
        JsonNode api = call("GET", "/v3/api-docs", null, null).json();
        assertThat(api.path("paths").has("/api/v1/sessions")).isTrue();
        assertThat(api.path("paths").has("/api/v1/sessions/{id}")).isTrue();
        assertThat(api.path("paths").path("/api/v1/sessions").has("post")).isTrue();
    }

    @Test
    void adminsSeeNodesFromTheirHeartbeats() {
        String node = "node-" + UUID.randomUUID();
        Instant now = Instant.now();
        rabbit.convertAndSend(Messaging.EVENTS, Messaging.NODE_HEARTBEAT, new NodeHeartbeat(UUID.randomUUID(), node,
                "http://127.0.0.1:8083", 25, 3, "20.10.24", now.minusSeconds(60), now));

        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode nodes = call("GET", "/api/v1/nodes", token("root", true), null).json();
            JsonNode found = null;
            for (JsonNode candidate : nodes) {
                if (candidate.path("id").asString().equals(node)) {
                    found = candidate;
                }
            }
            assertThat(found).isNotNull();
            assertThat(found.path("capacity").asInt()).isEqualTo(25);
            assertThat(found.path("sessionsHeld").asInt()).isEqualTo(3);
            assertThat(found.path("relayAddress").asString()).isEqualTo("http://127.0.0.1:8083");
            assertThat(found.path("online").asBoolean()).isTrue();
        });
    }
}
