import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../core/logger.js';
import { freePort, waitFor } from '../core/net.js';
import { runChecked, runCommand } from '../core/system/run-command.js';
import { resolvePostgresBinDir } from '../core/system/tools.js';
import type { EmbeddedServer } from './embedded-redis.js';

const SUPERUSER = 'somagent';
const DATABASE = 'somagent';

interface RunAs {
  uid: number;
  gid: number;
}

/**
 * PostgreSQL refuses to run as root, so when SomaGent runs as root the cluster belongs to the
 * Debian `postgres` account (or a `somagent` system account created for it).
 */
async function serverAccount(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'somagent']) {
    const id = await runCommand('id', ['-u', name]);
    if (id.code === 0) {
      const gid = await runChecked('id', ['-g', name]);
      return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
    }
  }
  await runChecked('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'somagent']);
  return serverAccount();
}

/** The server account must be able to walk down to its directory; root's access says nothing about that. */
function assertReachable(dir: string, runAs: RunAs | undefined): void {
  if (!runAs) return;
  for (let current = path.dirname(dir); current !== path.dirname(current); current = path.dirname(current)) {
    const { mode, uid, gid } = statSync(current);
    const enterable =
      (mode & 0o001) !== 0 ||
      (uid === runAs.uid && (mode & 0o100) !== 0) ||
      (gid === runAs.gid && (mode & 0o010) !== 0);
    if (!enterable) {
      throw new Error(
        `PostgreSQL runs as uid ${runAs.uid} (it refuses root), and that account cannot enter ${current}. ` +
          `Run "chmod o+x ${current}", choose a SOMAGENT_DATA_DIR it can reach, or set DATABASE_URL.`,
      );
    }
  }
}

/**
 * Starts (and on first use initialises) a PostgreSQL cluster in `dir`, listening on a free
 * loopback port with password authentication; the data survives restarts.
 */
export async function startEmbeddedPostgres(
  dir: string,
  logger: Logger,
  options: { durable?: boolean } = {},
): Promise<EmbeddedServer> {
  const binDir = await resolvePostgresBinDir(logger);
  const runAs = await serverAccount();
  const clusterDir = path.join(dir, 'cluster');
  const passwordFile = path.join(dir, 'password');
  mkdirSync(dir, { recursive: true });
  if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  assertReachable(dir, runAs);
  const spawnAs = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    if (existsSync(clusterDir) && readdirSync(clusterDir).length > 0) {
      throw new Error(`${clusterDir} exists but is not a PostgreSQL cluster; move it away and start again`);
    }
    const password = randomBytes(18).toString('base64url');
    writeFileSync(passwordFile, password, { mode: 0o600 });
    if (runAs) chownSync(passwordFile, runAs.uid, runAs.gid);
    logger.info({ dir: clusterDir }, 'initialising the PostgreSQL cluster');
    await runChecked(
      path.join(binDir, 'initdb'),
      [
        '-D',
        clusterDir,
        '-U',
        SUPERUSER,
        '--pwfile',
        passwordFile,
        '--auth=scram-sha-256',
        '-E',
        'UTF8',
        '--no-locale',
      ],
      spawnAs,
    );
  }
  const password = readFileSync(passwordFile, 'utf8').trim();

  const pgCtl = path.join(binDir, 'pg_ctl');
  const status = await runCommand(pgCtl, ['status', '-D', clusterDir], spawnAs);
  if (status.code === 0) {
    logger.warn('a PostgreSQL server from an earlier run is still up; stopping it first');
    await runChecked(pgCtl, ['stop', '-D', clusterDir, '-m', 'fast', '-w'], spawnAs);
  }

  const port = await freePort();
  const serverOptions = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    "-c unix_socket_directories=''",
    '-c max_connections=200',
    ...(options.durable === false
      ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']
      : []),
  ].join(' ');
  await runChecked(
    pgCtl,
    ['start', '-D', clusterDir, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', '-o', serverOptions],
    spawnAs,
  );

  const adminUrl = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await waitFor(
    'PostgreSQL',
    async () => {
      const client = new pg.Client({ connectionString: `${adminUrl}/postgres` });
      await client.connect();
      try {
        const exists = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
        if (exists.rowCount === 0) await client.query(`create database ${DATABASE}`);
      } finally {
        await client.end();
      }
      return true;
    },
    30_000,
  );

  return {
    url: `${adminUrl}/${DATABASE}`,
    stop: async () => {
      await runChecked(pgCtl, ['stop', '-D', clusterDir, '-m', 'fast', '-w'], spawnAs);
    },
  };
}
