-- Up Migration
create table tool_credentials (
  tenant_id text not null references tenants(id) on delete cascade,
  tool text not null,
  ciphertext bytea not null,
  iv bytea not null,
  auth_tag bytea not null,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, tool)
);

create table tool_side_effects (
  tenant_id text not null references tenants(id) on delete cascade,
  idempotency_key text not null,
  tool text not null,
  operation text not null,
  input_hash text not null,
  status text not null check (status in ('started', 'completed')),
  output jsonb,
  attempts integer not null default 1,
  created_at timestamptz not null default now(),
  completed_at timestamptz,
  primary key (tenant_id, idempotency_key)
);

create table tool_calls (
  id bigint generated always as identity primary key,
  tenant_id text not null references tenants(id) on delete cascade,
  tool text not null,
  operation text not null,
  outcome text not null check (outcome in ('ok', 'ledger', 'error')),
  error_category text,
  duration_ms integer not null,
  workflow_id text,
  created_at timestamptz not null default now()
);
create index tool_calls_tenant_created_idx on tool_calls (tenant_id, created_at desc);

-- Down Migration
drop table tool_calls;
drop table tool_side_effects;
drop table tool_credentials;
