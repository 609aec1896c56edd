create table sessions (
    id                 uuid primary key,
    owner              text        not null,
    project_id         text,
    template           text        not null,
    image              text        not null,
    labels             jsonb       not null default '{}',
    env                jsonb       not null default '{}',
    ports              jsonb       not null default '[]',
    status             text        not null,
    status_reason      text,
    termination_reason text,
    node_id            text,
    containers         jsonb       not null default '[]',
    version            bigint      not null,
    created_at         timestamptz not null,
    updated_at         timestamptz not null,
    expires_at         timestamptz not null,
    running_at         timestamptz,
    ended_at           timestamptz
);

create index sessions_owner_created on sessions (owner, created_at desc);
create index sessions_status on sessions (status);
create index sessions_project on sessions (project_id) where project_id is not null;

-- Commands waiting to be published to RabbitMQ, written in the transaction that changed the session.
create table outbox (
    id          bigserial primary key,
    message_id  uuid        not null unique,
    session_id  uuid        not null,
    exchange    text        not null,
    routing_key text        not null,
    payload     jsonb       not null,
    traceparent text,
    created_at  timestamptz not null default now(),
    attempts    int         not null default 0,
    last_error  text
);

-- Ids of consumed messages, recorded in the transaction of their effect, so a redelivery changes nothing.
create table processed_messages (
    message_id   uuid primary key,
    processed_at timestamptz not null default now()
);

create index processed_messages_at on processed_messages (processed_at);

create table nodes (
    id             text primary key,
    relay_address  text,
    capacity       int         not null,
    sessions_held  int         not null,
    engine_version text,
    started_at     timestamptz,
    last_seen_at   timestamptz not null
);
