import { spawn } from 'node:child_process';
import { terraformSetupHint } from '../../infra/terraform-toolchain.js';
import type { OperationContext } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import type { TerraformClient } from './client.js';
import { lastLines, terraformFailure } from './failures.js';

/** What a finished run wrote; `code` is one of the run's accepted exit codes. */
export interface TerraformRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** The working directory: the workspace. */
  cwd: string;
  /** Named in heartbeats and logs: init, plan, apply, show, output, destroy. */
  phase: string;
  /** Exit codes that are not failures; default [0] (`plan -detailed-exitcode` adds 2). */
  okCodes?: number[];
  /**
   * True for commands whose output carries state values in plain text (`output -json`,
   * `show -json`): their lines are neither logged nor put in heartbeats, which Temporal records.
   */
  quiet?: boolean;
}

/**
 * Terraform stops gracefully on SIGINT: it finishes the resource operations in flight and
 * writes the state, so an interrupted apply leaves a state that matches what exists. Only if
 * it has not exited after this long is it killed outright.
 */
const INTERRUPT_GRACE_MS = 20_000;

/** Lines of the newest output a heartbeat carries, so the Web UI shows what Terraform is doing. */
const HEARTBEAT_LINES = 5;

/**
 * Runs the CLI (spawned directly, no shell) in a workspace with the toolchain's environment,
 * streaming its output: each batch of new lines is a heartbeat `{ phase, lines, total }` and a
 * debug log line. An aborted `context.signal` interrupts Terraform and fails the call as a
 * retryable cancellation. A non-zero exit becomes a ToolError carrying the last lines of stderr.
 */
export function runTerraform(
  context: Pick<OperationContext<TerraformClient>, 'client' | 'heartbeat' | 'signal' | 'logger'>,
  args: string[],
  options: RunOptions,
): Promise<TerraformRun> {
  const { client, signal, logger } = context;
  const command = args[0] ?? '';
  const cancelled = () =>
    new ToolError(
      'transient',
      `terraform ${command} cancelled: ${String((signal.reason as Error | undefined)?.message ?? signal.reason)}`,
    );
  if (signal.aborted) return Promise.reject(cancelled());

  return new Promise<TerraformRun>((resolve, reject) => {
    const child = spawn(client.toolchain.binary, args, {
      cwd: options.cwd,
      env: client.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let total = 0;
    // One line splitter per stream: a half line of stdout must not be glued to stderr's next chunk.
    const lineReader = () => {
      let partial = '';
      return (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        const complete = lines.map((line) => line.trimEnd()).filter((line) => line.trim() !== '');
        if (complete.length === 0) return;
        total += complete.length;
        if (options.quiet) {
          context.heartbeat({ phase: options.phase, total });
          return;
        }
        context.heartbeat({ phase: options.phase, lines: complete.slice(-HEARTBEAT_LINES), total });
        for (const line of complete) logger.debug({ phase: options.phase }, line);
      };
    };
    const stdoutLines = lineReader();
    const stderrLines = lineReader();
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      stdoutLines(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      stderrLines(chunk);
    });

    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), INTERRUPT_GRACE_MS);
      killTimer.unref();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const cleanUp = () => {
      signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
    };

    child.on('error', (error) => {
      cleanUp();
      reject(
        new ToolError(
          'invalid_input',
          `cannot run ${client.toolchain.binary}: ${error.message}; ${terraformSetupHint}`,
        ),
      );
    });
    child.on('close', (code, killedBy) => {
      cleanUp();
      // Whatever Terraform managed before it stopped, the call did not finish: let Temporal retry,
      // and apply's recover find out what the state holds.
      if (signal.aborted) return reject(cancelled());
      if (code === null) {
        return reject(
          new ToolError(
            'transient',
            `terraform ${command} was killed by ${killedBy ?? 'a signal'}: ${lastLines(stderr) || '(no output)'}`,
          ),
        );
      }
      if (!(options.okCodes ?? [0]).includes(code))
        return reject(terraformFailure(command, code, stderr, options.quiet ? '' : stdout));
      resolve({ code, stdout, stderr });
    });
  });
}
