-- Up Migration
create table capsules (
  id text not null,
  version text not null,
  content_hash text not null,
  document jsonb not null,
  source text not null,
  tenant_id text references tenants(id) on delete cascade,
  created_at timestamptz not null default now(),
  primary key (id, version)
);

create table projects (
  id text primary key,
  tenant_id text not null references tenants(id) on delete cascade,
  brief text not null,
  capsule text,
  idempotency_key text,
  request_hash text not null,
  created_by uuid,
  created_at timestamptz not null default now(),
  report jsonb,
  finished_at timestamptz,
  unique (tenant_id, idempotency_key)
);
create index projects_tenant_created_idx on projects (tenant_id, created_at desc);

-- Down Migration
drop table projects;
drop table capsules;
