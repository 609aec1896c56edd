package dev.berth.session.session;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.JpaSpecificationExecutor;
import org.springframework.data.jpa.repository.Lock;
import org.springframework.data.jpa.repository.Query;

import dev.berth.contracts.SessionStatus;
import jakarta.persistence.LockModeType;

public interface SessionRepository extends JpaRepository<Session, UUID>, JpaSpecificationExecutor<Session> {

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select s from Session s where s.id = :id")
    Optional<Session> findForUpdate(UUID id);

    @Lock(LockModeType.PESSIMISTIC_WRITE)
    @Query("select s from Session s where s.owner = :owner and s.status in :statuses order by s.createdAt")
    List<Session> findForUpdateByOwnerAndStatusIn(String owner, Collection<SessionStatus> statuses);

    List<Session> findByNodeIdAndStatusIn(String nodeId, Collection<SessionStatus> statuses);

    long countByOwnerAndStatusIn(String owner, Collection<SessionStatus> statuses);

    List<Session> findByOwnerAndTemplateAndStatusInOrderByCreatedAtAsc(String owner, String template,
            Collection<SessionStatus> statuses);

    @Query("select s.status as status, count(s) as count from Session s group by s.status")
    List<StatusCount> countByStatus();

    @Query("select s.owner as owner, s.status as status, count(s) as count from Session s"
            + " group by s.owner, s.status order by s.owner")
    List<OwnerStatusCount> countByOwnerAndStatus();

    interface OwnerStatusCount {
        String getOwner();

        SessionStatus getStatus();

        long getCount();
    }

    interface StatusCount {
        SessionStatus getStatus();

        long getCount();
    }
}
