package dev.berth.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * The idle timeout with the real services: session-service runs with a 20 s idle timeout for this class, and
 * activity reaches it the way it does in production, reported in batches by the gateway.
 */
class IdleTimeoutIT {

    private static final Duration IDLE = Duration.ofSeconds(20);
    private static Stack stack;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        stack = SharedStack.get();
        stack.restartSessionService("--berth.leases.idle-timeout=" + IDLE.toSeconds() + "s");
        api = new Api(stack.gatewayUrl(), stack.token("idle-" + UUID.randomUUID(), false));
    }

    @AfterAll
    static void restoreSessionService() throws Exception {
        if (api != null) {
            api.call("DELETE", "/api/v1/sessions", null);
        }
        stack.restartSessionService();
    }

    @Test
    void onlyTheSessionNobodyUsesIsEndedIdleAndItsContainerRemoved() {
        String busy = api.create("{}").path("id").asString();
        String idle = api.create("{}").path("id").asString();
        api.awaitStatus(busy, "RUNNING", Duration.ofSeconds(60));
        String idleContainer = api.awaitStatus(idle, "RUNNING", Duration.ofSeconds(60)).path("containers").path(0)
                .path("containerId").asString();

        // a command in the busy session every few seconds, through the gateway, until the idle one has ended
        JsonNode ended = await().atMost(IDLE.multipliedBy(3)).pollInterval(Duration.ofSeconds(3)).until(() -> {
            Api.Response exec = api.call("POST", "/api/v1/sessions/" + busy + "/exec", "{\"command\": \"true\"}");
            assertThat(exec.status()).as(exec.body()).isEqualTo(200);
            return api.get(idle);
        }, session -> session.path("status").asString().equals("TERMINATED"));

        assertThat(ended.path("terminationReason").asString()).isEqualTo("IDLE");
        assertThat(stack.containers()).noneMatch(container -> container.getId().equals(idleContainer));
        JsonNode used = api.get(busy);
        assertThat(used.path("status").asString()).isEqualTo("RUNNING");
        assertThat(used.path("lastActivityAt").isNull()).isFalse();
    }
}
