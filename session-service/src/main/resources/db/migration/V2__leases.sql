-- Leases: activity for the idle timeout, the warning before expiry, time spent stopped.
alter table sessions add column last_activity_at timestamptz;
alter table sessions add column expiry_warned_at timestamptz;
alter table sessions add column stopped_at timestamptz;
alter table sessions add column paused_seconds bigint not null default 0;
alter table sessions add column exit_code int;

create index sessions_live_expiry on sessions (expires_at)
    where status in ('REQUESTED', 'PROVISIONING', 'RUNNING', 'STOPPED');

-- Every change of a session as its owner saw it then, for the event streams of every instance (NOTIFY carries
-- the id) and for a client that reconnects with Last-Event-ID. Kept for an hour.
create table session_changes (
    id         bigserial primary key,
    session_id uuid        not null,
    owner      text        not null,
    event      text        not null,
    view       jsonb       not null,
    created_at timestamptz not null default now()
);

create index session_changes_created on session_changes (created_at);
