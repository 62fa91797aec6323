import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on a free 127.0.0.1 port; `stop` closes the server and every open connection. */
export async function listenOnLoopback(server: Server): Promise<{ origin: string; stop(): Promise<void> }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
