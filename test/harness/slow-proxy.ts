import net from 'node:net';
import { freePort } from '../../core/net.js';

/**
 * A TCP proxy on loopback that passes requests straight through and holds each response back
 * for `delayMs`: the server has done the work, the caller has not heard yet. That is the
 * window in which a crash leaves a side effect the caller never recorded.
 */
export async function startSlowProxy(target: { host: string; port: number }, delayMs: number) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    sockets.add(client).add(upstream);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      setTimeout(() => {
        if (!client.destroyed) client.write(chunk);
      }, delayMs);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', () => setTimeout(close, delayMs + 10));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
