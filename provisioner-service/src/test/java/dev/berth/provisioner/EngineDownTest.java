package dev.berth.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.listener.MessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.berth.contracts.SessionStatus;
import dev.berth.contracts.SessionStatusChanged;

/** A provisioner whose engine address answers nothing: a port on loopback that nobody listens on. */
class EngineDownTest extends ProvisionerTestSupport {

    @DynamicPropertySource
    static void deadEngine(DynamicPropertyRegistry registry) {
        registry.add("berth.docker.host", () -> "tcp://127.0.0.1:" + closedPort());
    }

    @Test
    void createsFailWithAReasonAndTheNodeStopsTakingThemUntilTheEngineMayBeBack() {
        UUID sessionId = UUID.randomUUID();
        send(createCommand(sessionId, 1, WORKSPACE_IMAGE));

        awaitStatus(sessionId, SessionStatus.PROVISIONING);
        SessionStatusChanged failed = awaitStatus(sessionId, SessionStatus.FAILED);
        assertThat(failed.reason()).startsWith("Docker engine on node " + NODE + " is unavailable: ");

        MessageListenerContainer creates = listeners.getListenerContainer("create");
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> !creates.isRunning());
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(creates::isRunning);
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
