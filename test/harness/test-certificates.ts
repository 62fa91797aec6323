import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runChecked } from '../../core/system/run-command.js';

/** A throwaway CA and a serving certificate it signed, as PEM text. */
export interface TestCertificates {
  /** The CA certificate a client must trust. */
  ca: string;
  /** The serving certificate, for 127.0.0.1 and localhost. */
  cert: string;
  key: string;
}

/**
 * Makes a CA and a certificate for 127.0.0.1/localhost signed by it, with the openssl CLI (node:crypto
 * cannot issue X.509 certificates). For test servers whose clients refuse plain HTTP, such as the
 * Azure SDKs, which send bearer tokens only over TLS.
 */
export async function makeTestCertificates(commonName = 'somagent-test-server'): Promise<TestCertificates> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'somagent-tls-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => runChecked('openssl', args, { cwd: dir });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    await writeFile(
      file('server.ext'),
      [
        'basicConstraints=critical,CA:FALSE',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=serverAuth',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '',
      ].join('\n'),
    );
    await Promise.all([
      openssl(
        'req',
        '-x509',
        ...ec,
        '-keyout',
        file('ca.key'),
        '-out',
        file('ca.crt'),
        '-days',
        '7',
        '-subj',
        '/CN=somagent-test-ca',
      ),
      openssl(
        'req',
        ...ec,
        '-keyout',
        file('server.key'),
        '-out',
        file('server.csr'),
        '-subj',
        `/CN=${commonName}`,
      ),
    ]);
    await openssl(
      'x509',
      '-req',
      '-in',
      file('server.csr'),
      '-CA',
      file('ca.crt'),
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '7',
      '-extfile',
      file('server.ext'),
      '-out',
      file('server.crt'),
    );
    const [ca, cert, key] = await Promise.all(
      ['ca.crt', 'server.crt', 'server.key'].map((name) => readFile(file(name), 'utf8')),
    );
    return { ca: ca ?? '', cert: cert ?? '', key: key ?? '' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
