-- Up Migration
create table tenants (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name text not null,
  created_at timestamptz not null default now()
);

create table api_keys (
  id uuid primary key,
  tenant_id text not null references tenants(id) on delete cascade,
  name text not null,
  role text not null check (role in ('admin', 'operator', 'member')),
  key_hash bytea not null unique,
  key_prefix text not null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_tenant_idx on api_keys (tenant_id);

create table jobs (
  id text primary key,
  tenant_id text not null references tenants(id) on delete cascade,
  type text not null,
  input jsonb not null,
  idempotency_key text,
  request_hash text not null,
  created_by uuid,
  created_at timestamptz not null default now(),
  unique (tenant_id, idempotency_key)
);
create index jobs_tenant_created_idx on jobs (tenant_id, created_at desc);

-- Down Migration
drop table jobs;
drop table api_keys;
drop table tenants;
