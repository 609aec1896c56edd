package dev.berth.session.node;

import java.time.Instant;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;

public interface NodeRepository extends JpaRepository<Node, String> {

    /** Records a heartbeat unless a newer one of that node was recorded already. */
    @Modifying
    @Query(nativeQuery = true, value = """
            insert into nodes (id, relay_address, capacity, sessions_held, engine_version, started_at, last_seen_at)
            values (:id, :relayAddress, :capacity, :sessionsHeld, :engineVersion, :startedAt, :seenAt)
            on conflict (id) do update set relay_address = excluded.relay_address, capacity = excluded.capacity,
                sessions_held = excluded.sessions_held, engine_version = excluded.engine_version,
                started_at = excluded.started_at, last_seen_at = excluded.last_seen_at
            where nodes.last_seen_at < excluded.last_seen_at
            """)
    int record(String id, String relayAddress, int capacity, int sessionsHeld, String engineVersion,
            Instant startedAt, Instant seenAt);
}
