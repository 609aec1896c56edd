package dev.berth.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.berth.contracts.SessionStatus;

/** Commands are kept until the broker confirms them. */
class OutboxTest extends IntegrationTest {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aCommandNobodyCanReceiveYetIsKeptAndSentOnceItCanBe() {
        String token = token(owner(), false);
        String node = "node-" + UUID.randomUUID();
        String id = create(token, "{}").path("id").asString();
        report(id, 1, SessionStatus.RUNNING, node, null);
        awaitStatus(token, id, SessionStatus.RUNNING);

        // The node has no queue yet: the broker returns the delete as unroutable, so it stays in the outbox.
        call("DELETE", "/api/v1/sessions/" + id, token, null);
        await().atMost(WAIT).until(() -> lastError(id) != null);
        assertThat(lastError(id)).contains("unroutable");

        String queue = nodeQueue(node).getName();
        assertThat(body(receiveFor(queue, id)).path("sequence").asLong()).isEqualTo(2);
        await().atMost(WAIT).until(() -> jdbc.queryForObject("select count(*) from outbox where session_id = ?",
                Long.class, UUID.fromString(id)) == 0);
    }

    private String lastError(String sessionId) {
        return jdbc.query("select last_error from outbox where session_id = ?",
                rs -> rs.next() ? rs.getString(1) : null, UUID.fromString(sessionId));
    }
}
