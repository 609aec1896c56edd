package dev.berth.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.beans.factory.annotation.Autowired;

import dev.berth.contracts.Messaging;
import dev.berth.contracts.SessionStatus;
import dev.berth.contracts.SessionStatusChanged;
import dev.berth.session.outbox.OutboxRelay;
import tools.jackson.databind.JsonNode;

/** Status events from provisioners, and what deleting does at each stage. */
class SessionLifecycleTest extends IntegrationTest {

    @Autowired
    OutboxRelay relay;

    @Test
    void eventsMoveASessionToRunningAndADeleteGoesToItsNode() {
        String token = token(owner(), false);
        String node = "node-" + UUID.randomUUID();
        String nodeQueue = nodeQueue(node).getName();
        String id = create(token, "{}").path("id").asString();

        report(id, 1, SessionStatus.PROVISIONING, node, null);
        assertThat(awaitStatus(token, id, SessionStatus.PROVISIONING).path("nodeId").asString()).isEqualTo(node);
        report(id, 1, SessionStatus.RUNNING, node, null);
        JsonNode running = awaitStatus(token, id, SessionStatus.RUNNING);
        assertThat(running.path("containers").path(0).path("containerId").asString()).isEqualTo("c-" + id);
        assertThat(running.path("containers").path(0).path("ports").path(0).path("hostIp").asString())
                .isEqualTo("127.0.0.1");
        assertThat(running.path("runningAt").isNull()).isFalse();

        Response deleted = call("DELETE", "/api/v1/sessions/" + id, token, null);
        assertThat(deleted.status()).isEqualTo(202);
        assertThat(deleted.json().path("status").asString()).isEqualTo("TERMINATING");
        assertThat(deleted.json().path("terminationReason").asString()).isEqualTo("USER");
        JsonNode delete = body(receiveFor(nodeQueue, id));
        assertThat(delete.path("sequence").asLong()).isEqualTo(2);
        assertThat(delete.path("reason").asString()).isEqualTo("USER");

        // Deleting again changes nothing and sends nothing.
        assertThat(call("DELETE", "/api/v1/sessions/" + id, token, null).json().path("status").asString())
                .isEqualTo("TERMINATING");

        report(id, 2, SessionStatus.TERMINATED, node, null);
        JsonNode terminated = awaitStatus(token, id, SessionStatus.TERMINATED);
        assertThat(terminated.path("containers")).isEmpty();
        assertThat(terminated.path("endedAt").isNull()).isFalse();
        assertThat(rabbit.receive(nodeQueue, 500)).as("no second delete").isNull();
        assertThat(call("DELETE", "/api/v1/sessions/" + id, token, null).status()).isEqualTo(202);
    }

    @Test
    void duplicateAndStaleEventsChangeNothing() {
        String token = token(owner(), false);
        String node = "node-" + UUID.randomUUID();
        nodeQueue(node);
        String id = create(token, "{}").path("id").asString();
        SessionStatusChanged running = report(id, 1, SessionStatus.RUNNING, node, null);
        awaitStatus(token, id, SessionStatus.RUNNING);

        // The same message again, even if it now claimed another status, is a duplicate.
        publish(new SessionStatusChanged(running.messageId(), running.sessionId(), 1, SessionStatus.FAILED, node,
                List.of(), "duplicate", null, Instant.now()));
        call("DELETE", "/api/v1/sessions/" + id, token, null);
        // An answer to the first command arriving after the delete (version 2) is stale.
        report(id, 1, SessionStatus.FAILED, node, "late failure");
        report(id, 2, SessionStatus.TERMINATED, node, null);

        JsonNode session = awaitStatus(token, id, SessionStatus.TERMINATED);
        assertThat(session.path("statusReason").isNull()).isTrue();
    }

    @Test
    void aFailureIsShownWithItsReason() {
        String token = token(owner(), false);
        String id = create(token, "{\"image\": \"berth/other:1\"}").path("id").asString();

        report(id, 1, SessionStatus.FAILED, "node-x", "Image 'berth/other:1' is not present on node node-x");

        JsonNode failed = awaitStatus(token, id, SessionStatus.FAILED);
        assertThat(failed.path("statusReason").asString()).contains("not present");
        assertThat(call("DELETE", "/api/v1/sessions/" + id, token, null).json().path("status").asString())
                .isEqualTo("FAILED");
    }

    @Test
    void deletingWhileTheCreateIsUnpublishedWithdrawsIt() {
        String token = token(owner(), false);
        relay.stop();
        String id;
        try {
            id = create(token, "{}").path("id").asString();
            Response deleted = call("DELETE", "/api/v1/sessions/" + id, token, null);
            assertThat(deleted.json().path("status").asString()).isEqualTo("TERMINATED");
        } finally {
            relay.start();
        }
        String marker = create(token, "{}").path("id").asString();
        // Commands go out in order, so once the next session's command is there, a withdrawn one never comes.
        List<String> seen = new java.util.ArrayList<>();
        await().atMost(WAIT).until(() -> {
            Message message = rabbit.receive(Messaging.PROVISION_QUEUE, 200);
            if (message != null) {
                seen.add(body(message).path("sessionId").asString());
            }
            return seen.contains(marker);
        });
        assertThat(seen).doesNotContain(id);
    }

    @Test
    void deletingBeforeANodeAnswersTellsTheNodeOnceItDoes() {
        String token = token(owner(), false);
        String node = "node-" + UUID.randomUUID();
        String nodeQueue = nodeQueue(node).getName();
        String id = create(token, "{}").path("id").asString();
        receiveFor(Messaging.PROVISION_QUEUE, id);

        assertThat(call("DELETE", "/api/v1/sessions/" + id, token, null).json().path("status").asString())
                .isEqualTo("TERMINATING");
        report(id, 1, SessionStatus.PROVISIONING, node, null);
        report(id, 1, SessionStatus.RUNNING, node, null);

        JsonNode delete = body(receiveFor(nodeQueue, id));
        assertThat(delete.path("sequence").asLong()).isEqualTo(2);
        assertThat(rabbit.receive(nodeQueue, 1000)).as("one delete is enough").isNull();
        report(id, 2, SessionStatus.TERMINATED, node, null);
        awaitStatus(token, id, SessionStatus.TERMINATED);
    }

    @Test
    void containersReportedForAnEndedSessionAreRemoved() {
        String token = token(owner(), false);
        String node = "node-" + UUID.randomUUID();
        String nodeQueue = nodeQueue(node).getName();
        String id = create(token, "{}").path("id").asString();
        report(id, 1, SessionStatus.RUNNING, node, null);
        awaitStatus(token, id, SessionStatus.RUNNING);
        call("DELETE", "/api/v1/sessions/" + id, token, null);
        receiveFor(nodeQueue, id);
        report(id, 2, SessionStatus.TERMINATED, node, null);
        awaitStatus(token, id, SessionStatus.TERMINATED);

        // The create was delivered twice and the second copy made the container again.
        report(id, 1, SessionStatus.RUNNING, node, null);

        assertThat(body(receiveFor(nodeQueue, id)).path("sequence").asLong()).isEqualTo(2);
        assertThat(get(token, id).path("status").asString()).isEqualTo("TERMINATED");
    }

    @Test
    void aMessageThatCannotBeReadGoesToTheDeadLetterQueue() {
        MessageProperties properties = new MessageProperties();
        properties.setContentType("application/json");
        String poison = "{\"this is\": not json " + UUID.randomUUID();
        rabbit.send(Messaging.EVENTS, "session.running", new Message(poison.getBytes(), properties));

        String deadLetters = Messaging.SESSION_EVENTS_QUEUE + Messaging.DEAD_LETTER_QUEUE_SUFFIX;
        await().atMost(WAIT).until(() -> {
            Message message = rabbit.receive(deadLetters, 200);
            return message != null && new String(message.getBody()).equals(poison);
        });
    }
}
