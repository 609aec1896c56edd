package dev.berth.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.listener.MessageListenerContainer;
import org.springframework.test.context.TestPropertySource;

import dev.berth.contracts.DeleteSession;
import dev.berth.contracts.SessionStatus;

@TestPropertySource(properties = "berth.node.capacity=1")
class CapacityTest extends ProvisionerTestSupport {

    @Test
    void aNodeAtCapacityLeavesCreatesInTheQueueUntilOneOfItsSessionsEnds() {
        UUID first = UUID.randomUUID();
        send(createCommand(first, 1, WORKSPACE_IMAGE));
        awaitStatus(first, SessionStatus.RUNNING);
        MessageListenerContainer creates = listeners.getListenerContainer("create");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> !creates.isRunning());

        UUID second = UUID.randomUUID();
        send(createCommand(second, 1, WORKSPACE_IMAGE));
        assertThat(history(second)).as("events of a create sent to a full node").isEmpty();

        send(new DeleteSession(UUID.randomUUID(), first, 2, "USER"));
        awaitStatus(first, SessionStatus.TERMINATED);
        awaitStatus(second, SessionStatus.RUNNING);
    }
}
