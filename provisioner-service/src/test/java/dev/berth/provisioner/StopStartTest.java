package dev.berth.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.github.dockerjava.api.async.ResultCallback;

import dev.berth.contracts.DeleteSession;
import dev.berth.contracts.SessionStatus;
import dev.berth.contracts.SessionStatusChanged;
import dev.berth.contracts.StartSession;
import dev.berth.contracts.StopSession;

/** Stop, start, and a main process that exits by itself. */
class StopStartTest extends ProvisionerTestSupport {

    @Test
    void aStoppedSessionKeepsItsContainerAndStartsAgain() {
        UUID id = UUID.randomUUID();
        send(createCommand(id, 1, WORKSPACE_IMAGE));
        String container = awaitStatus(id, SessionStatus.RUNNING).containers().getFirst().containerId();

        send(new StopSession(UUID.randomUUID(), id, 2));

        SessionStatusChanged stopped = awaitStatus(id, SessionStatus.STOPPED);
        assertThat(stopped.sequence()).isEqualTo(2);
        assertThat(stopped.containers()).singleElement().satisfies(state -> {
            assertThat(state.containerId()).isEqualTo(container);
            assertThat(state.ports()).isEmpty();
        });
        assertThat(DOCKER.inspectContainerCmd(container).exec().getState().getRunning()).isFalse();

        send(new StartSession(UUID.randomUUID(), id, 3));

        SessionStatusChanged running = awaitStatus(id, SessionStatus.RUNNING);
        assertThat(running.sequence()).isEqualTo(3);
        assertThat(running.containers().getFirst().ports()).singleElement()
                .satisfies(port -> assertThat(port.hostIp()).isEqualTo("127.0.0.1"));
        assertThat(DOCKER.inspectContainerCmd(container).exec().getState().getRunning()).isTrue();
        assertThat(history(id)).noneMatch(event -> event.sequence() == SessionStatusChanged.OBSERVED)
                .as("a requested stop is an answer, not news");
        send(new DeleteSession(UUID.randomUUID(), id, 4, "USER"));
        awaitStatus(id, SessionStatus.TERMINATED);
    }

    @Test
    void aMainProcessThatExitsByItselfIsReportedStoppedWithItsExitCode() throws InterruptedException {
        UUID id = UUID.randomUUID();
        send(createCommand(id, 1, WORKSPACE_IMAGE));
        String container = awaitStatus(id, SessionStatus.RUNNING).containers().getFirst().containerId();

        String exec = DOCKER.execCreateCmd(container).withCmd("kill", "-TERM", "1").exec().getId();
        DOCKER.execStartCmd(exec).exec(new ResultCallback.Adapter<>()).awaitCompletion(10, TimeUnit.SECONDS);

        SessionStatusChanged stopped = awaitStatus(id, SessionStatus.STOPPED);
        assertThat(stopped.sequence()).isEqualTo(SessionStatusChanged.OBSERVED);
        assertThat(stopped.exitCode()).isEqualTo(143);
        assertThat(stopped.reason()).contains("exited with code 143");
        send(new DeleteSession(UUID.randomUUID(), id, 2, "USER"));
        awaitStatus(id, SessionStatus.TERMINATED);
    }
}
