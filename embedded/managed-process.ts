import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import type { Logger } from '../core/logger.js';

/** A long-running child program whose output goes to a log file, stopped with a signal and awaited. */
export class ManagedProcess {
  private exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly logger: Logger,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(
    name: string,
    file: string,
    args: string[],
    options: { logFile: string; logger: Logger; env?: NodeJS.ProcessEnv; uid?: number; gid?: number },
  ): ManagedProcess {
    const log = createWriteStream(options.logFile, { flags: 'a' });
    const child = spawn(file, args, {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid }),
    });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('exit', () => log.end());
    const managed = new ManagedProcess(name, child, options.logger);
    child.once('exit', (code, signal) => {
      if (!managed.stopping)
        options.logger.error({ code, signal, log: options.logFile }, `${name} exited unexpectedly`);
    });
    return managed;
  }

  private stopping = false;

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the exit code when the program ends by itself; useful to fail fast at start. */
  waitForExit(): Promise<number | null> {
    return this.exited;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.child.kill(signal);
    const timer = setTimeout(() => {
      this.logger.warn(`${this.name} did not stop within ${graceMs} ms; killing it`);
      this.child.kill('SIGKILL');
    }, graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
