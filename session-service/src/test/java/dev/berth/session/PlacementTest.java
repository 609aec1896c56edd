package dev.berth.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.berth.contracts.Messaging;
import dev.berth.contracts.NodeHeartbeat;
import dev.berth.contracts.SessionStatus;
import tools.jackson.databind.JsonNode;

/** {@code /internal/v1/sessions/{id}}: where a session lives, for services that hold the internal token. */
class PlacementTest extends IntegrationTest {

    @Test
    void servicesWithTheInternalTokenLearnWhereASessionLives() throws Exception {
        String owner = owner();
        String token = token(owner, false);
        String node = "node-" + UUID.randomUUID();
        Instant now = Instant.now();
        rabbit.convertAndSend(Messaging.EVENTS, Messaging.NODE_HEARTBEAT, new NodeHeartbeat(UUID.randomUUID(), node,
                "http://127.0.0.1:9999", 10, 0, "20.10", now, now));
        String id = create(token, "{}").path("id").asString();

        HttpResponse<String> requested = internal(id, "internal-test-token");
        assertThat(requested.statusCode()).isEqualTo(200);
        assertThat(json.readTree(requested.body()).path("status").asString()).isEqualTo("REQUESTED");
        assertThat(json.readTree(requested.body()).path("relayAddress").isNull()).isTrue();

        report(id, 1, SessionStatus.RUNNING, node, null);
        awaitStatus(token, id, SessionStatus.RUNNING);
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode placement = json.readTree(internal(id, "internal-test-token").body());
            assertThat(placement.path("owner").asString()).isEqualTo(owner);
            assertThat(placement.path("nodeId").asString()).isEqualTo(node);
            assertThat(placement.path("relayAddress").asString()).isEqualTo("http://127.0.0.1:9999");
            assertThat(placement.path("containers").path(0).path("containerId").asString()).isEqualTo("c-" + id);
        });
        assertThat(internal(UUID.randomUUID().toString(), "internal-test-token").statusCode()).isEqualTo(404);
    }

    @Test
    void withoutTheInternalTokenNobodyGetsIn() throws Exception {
        String token = token(owner(), true);
        String id = create(token, "{}").path("id").asString();

        assertThat(internal(id, null).statusCode()).isEqualTo(401);
        assertThat(internal(id, "internal-test-tokeN").statusCode()).isEqualTo(401);
        assertThat(call("GET", "/internal/v1/sessions/" + id, token, null).status()).as("a user token is not enough")
                .isEqualTo(403);
    }

    private HttpResponse<String> internal(String id, String internalToken) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/internal/v1/sessions/" + id));
        if (internalToken != null) {
            request.header("X-Berth-Internal-Token", internalToken);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
