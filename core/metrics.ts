import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics SomaGent exports at GET /metrics; one registry per process. */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  workflowStarts: Counter<'kind'>;
  activityOutcomes: Counter<'activity' | 'outcome'>;
  toolCalls: Counter<'tool' | 'operation' | 'outcome'>;
  toolDuration: Histogram<'tool' | 'operation'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'somagent_http_request_duration_seconds',
      help: 'HTTP request latency by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    workflowStarts: new Counter({
      name: 'somagent_workflow_starts_total',
      help: 'Workflows started by this process, by workflow family',
      labelNames: ['kind'],
      registers: [registry],
    }),
    activityOutcomes: new Counter({
      name: 'somagent_activity_outcomes_total',
      help: 'Activity attempts completed by workers in this process, by activity and outcome',
      labelNames: ['activity', 'outcome'],
      registers: [registry],
    }),
    toolCalls: new Counter({
      name: 'somagent_tool_calls_total',
      help: 'Tool adapter calls by tool, operation and outcome (ok, ledger, error)',
      labelNames: ['tool', 'operation', 'outcome'],
      registers: [registry],
    }),
    toolDuration: new Histogram({
      name: 'somagent_tool_call_duration_seconds',
      help: 'Tool adapter call latency, including limits and the ledger',
      labelNames: ['tool', 'operation'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
      registers: [registry],
    }),
  };
}
