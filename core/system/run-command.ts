import { spawn, type SpawnOptions } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion and collects its output; rejects only when it cannot be started. */
export function runCommand(
  file: string,
  args: string[],
  options: SpawnOptions & { input?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...options,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input);
  });
}

/** Like runCommand, but a non-zero exit is an error that carries the program's output. */
export async function runChecked(
  file: string,
  args: string[],
  options: SpawnOptions & { input?: string } = {},
): Promise<CommandResult> {
  const result = await runCommand(file, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${[file, ...args].join(' ')} exited with ${result.code}\n${result.stderr.trim() || result.stdout.trim()}`,
    );
  }
  return result;
}
