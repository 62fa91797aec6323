import type { Command } from 'commander';
import { api } from '../api-client.js';

interface TaskView {
  status: string;
  error?: string;
  reason?: string;
}
interface ProjectView {
  id: string;
  status: string;
  error?: string;
  brief: string;
  plan?: { capsules: { id: string }[]; tasks: { id: string; uses: string }[]; missing: string[] };
  tasks: Record<string, TaskView>;
  outputs?: Record<string, unknown>;
  links: Record<string, string>;
}

const terminal = new Set(['completed', 'failed', 'cancelled', 'expired']);
const marks: Record<string, string> = {
  pending: '·',
  running: '▶',
  completed: '✓',
  failed: '✗',
  skipped: '↷',
  compensated: '↺',
};

function render(project: ProjectView): string {
  const lines = [
    `${project.id}  ${project.status}${project.plan ? `  (${project.plan.capsules.map((c) => c.id).join(' + ')})` : ''}`,
  ];
  for (const task of project.plan?.tasks ?? []) {
    const state = project.tasks[task.id];
    const detail = state?.error ?? state?.reason;
    lines.push(
      `  ${marks[state?.status ?? 'pending'] ?? '?'} ${task.id.padEnd(24)} ${task.uses.padEnd(34)} ${state?.status ?? 'pending'}${detail ? `  ${detail}` : ''}`,
    );
  }
  if (project.error) lines.push(`  error: ${project.error}`);
  return lines.join('\n');
}

/** Follows a project until it ends, redrawing its tasks on a terminal, printing changes otherwise. */
async function watch(id: string): Promise<ProjectView> {
  let last = '';
  for (;;) {
    const project = await api<ProjectView>('GET', `/v1/projects/${id}`);
    const text = render(project);
    if (text !== last) {
      if (process.stdout.isTTY && last) process.stdout.write(`\x1b[${last.split('\n').length}A\x1b[J`);
      process.stdout.write(`${text}\n`);
      last = text;
    }
    if (terminal.has(project.status) || project.status === 'awaiting_approval') return project;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** `somagent project ...`: start, follow and steer projects through the API of a running platform. */
export function registerProjectCommands(program: Command): void {
  const project = program.command('project').description('Start, watch and steer KAMACHIQ projects');
  project
    .command('start')
    .argument('<brief>', 'what the project should do')
    .option('--capsule <id>', 'use this capsule instead of choosing one from the brief')
    .option('--input <key=value...>', 'a capsule input (repeatable)', (value: string, all: string[] = []) => [
      ...all,
      value,
    ])
    .option('--auto-approve', 'approve the plan without waiting (if policy allows)')
    .option('--watch', 'follow the tasks until the project ends or waits for approval')
    .action(
      async (
        brief: string,
        options: { capsule?: string; input?: string[]; autoApprove?: boolean; watch?: boolean },
      ) => {
        const inputs = Object.fromEntries(
          (options.input ?? []).map((pair) => {
            const at = pair.indexOf('=');
            if (at < 1) throw new Error(`--input ${pair}: expected key=value`);
            const raw = pair.slice(at + 1);
            let value: unknown = raw;
            try {
              value = JSON.parse(raw);
            } catch {
              // a plain string
            }
            return [pair.slice(0, at), value];
          }),
        );
        const started = await api<{ id: string; status: string; links: Record<string, string> }>(
          'POST',
          '/v1/projects',
          {
            brief,
            ...(options.capsule ? { capsule: options.capsule } : {}),
            ...(Object.keys(inputs).length ? { inputs } : {}),
            ...(options.autoApprove ? { autoApprove: true } : {}),
          },
        );
        process.stdout.write(`started ${started.id}\n  Web UI: ${started.links.temporalUi}\n`);
        if (options.watch) {
          const final = await watch(started.id);
          if (final.status === 'awaiting_approval')
            process.stdout.write(`approve with: somagent project approve ${final.id}\n`);
          if (['failed', 'expired'].includes(final.status)) process.exitCode = 1;
        }
      },
    );
  project
    .command('list')
    .option('--status <status>', 'only projects in this status')
    .action(async (options: { status?: string }) => {
      const { projects } = await api<{
        projects: { id: string; status: string; brief: string; createdAt: string }[];
      }>('GET', `/v1/projects${options.status ? `?status=${encodeURIComponent(options.status)}` : ''}`);
      for (const p of projects)
        process.stdout.write(`${p.id}  ${p.status.padEnd(18)} ${p.createdAt}  ${p.brief.slice(0, 60)}\n`);
    });
  project
    .command('show')
    .argument('<id>')
    .option('--watch', 'follow it until it ends')
    .action(async (id: string, options: { watch?: boolean }) => {
      if (options.watch) await watch(id);
      else process.stdout.write(`${render(await api<ProjectView>('GET', `/v1/projects/${id}`))}\n`);
    });
  for (const action of ['approve', 'cancel'] as const) {
    project
      .command(action)
      .argument('<id>')
      .action(async (id: string) => {
        const plan =
          action === 'approve' ? await api<{ version: number }>('GET', `/v1/projects/${id}/plan`) : undefined;
        await api('POST', `/v1/projects/${id}/${action}`, plan ? { planVersion: plan.version } : undefined);
        process.stdout.write(`${action === 'approve' ? 'approved' : 'cancelling'} ${id}\n`);
      });
  }
}
