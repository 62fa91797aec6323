import http from 'node:http';
import { freePort } from '../../core/net.js';

/** One form submission as the server parsed it. */
export type Submission = Record<string, string>;

/** A small website on loopback that the Playwright tests drive Chromium against. */
export interface TestSite {
  base: string;
  /** A loopback port nothing listens on: links to it are refused. */
  closedPort: number;
  /** Every POST /submit the server received, in order. */
  submissions: Submission[];
  stop(): Promise<void>;
}

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:sans-serif;margin:24px} .banner{background:#1d4ed8;color:#fff;padding:24px;font-size:28px}
@media (max-width:600px){.banner{background:#b91c1c}}</style></head><body>${body}</body></html>`;

const escape = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

// A 1x1 PNG, so the <img> elements load without a network.
const pixel = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

function home(closedPort: number) {
  return page(
    'SomaGent test page',
    `<div class="banner">SomaGent test page</div>
<p id="intro">Prices for the <strong>spring</strong> season.</p>
<table id="prices">
  <thead><tr><th>Plan</th><th>Price</th><th>Seats</th></tr></thead>
  <tbody><tr><td>Starter</td><td>$10</td><td>1</td></tr><tr><td>Team</td><td>$45</td><td>10</td></tr></tbody>
</table>
<table id="plain"><tr><th>Region</th><th>Latency</th></tr><tr><td>eu</td><td>12 ms</td></tr></table>
<div id="gallery">
  <img src="/img/logo.png" alt="SomaGent logo">
  <img src="/img/spacer.png" alt="">
  <img src="/img/chart.png">
  <img src="/img/deco.png" role="presentation">
  <img src="/img/labelled.png" aria-label="Sales chart">
  <p><img id="hero-photo" src="/img/hero.png"></p>
</div>
<ul>
  <li><a href="/about">About</a></li>
  <li><a href="/about#team">About (same page, another fragment)</a></li>
  <li><a href="/redirect">Moved</a></li>
  <li><a href="/get-only">GET only</a></li>
  <li><a href="/missing">Missing page</a></li>
  <li><a href="http://127.0.0.1:${closedPort}/nothing-listens">Refused</a></li>
  <li><a href="mailto:team@example.com">Mail</a></li>
  <li><a href="javascript:void(0)">Script</a></li>
</ul>`,
  );
}

const form = page(
  'Sign up',
  `<form method="post" action="/submit">
  <label>Name <input id="name" name="name"></label>
  <label>Plan <select id="plan" name="plan"><option value="starter">Starter</option><option value="team">Team</option></select></label>
  <label><input id="terms" type="checkbox" name="terms" value="yes"> I agree</label>
  <label>Comment <textarea id="comment" name="comment"></textarea></label>
  <button id="send" type="submit">Send</button>
</form>`,
);

/** Starts the site on a free loopback port; `stop` also ends connections held open by /slow. */
export async function startTestSite(): Promise<TestSite> {
  const [port, closedPort] = await Promise.all([freePort(), freePort()]);
  const base = `http://127.0.0.1:${port}`;
  const submissions: Submission[] = [];
  const html = (res: http.ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    if (url.pathname === '/') return html(res, 200, home(closedPort));
    if (url.pathname === '/about') return html(res, 200, page('About', '<h1 id="team">About us</h1>'));
    if (url.pathname === '/redirect') return res.writeHead(302, { location: '/about' }).end();
    if (url.pathname === '/get-only') {
      // Some frameworks route GET only and answer HEAD with 405; the link still works.
      return req.method === 'HEAD' ? res.writeHead(405).end() : html(res, 200, page('GET only', 'ok'));
    }
    if (url.pathname.startsWith('/img/'))
      return res.writeHead(200, { 'content-type': 'image/png' }).end(pixel);
    if (url.pathname === '/tall')
      return html(res, 200, page('Tall', '<div style="height:3000px">top</div><p>bottom</p>'));
    if (url.pathname === '/form') return html(res, 200, form);
    if (url.pathname === '/submit' && req.method === 'POST') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const fields = Object.fromEntries(new URLSearchParams(body));
        submissions.push(fields);
        res
          .writeHead(303, {
            location: `/thanks?name=${encodeURIComponent(fields.name ?? '')}&n=${submissions.length}`,
          })
          .end();
      });
      return;
    }
    if (url.pathname === '/thanks') {
      return html(
        res,
        200,
        page('Thanks', `<p id="message">Thanks, ${escape(url.searchParams.get('name') ?? '')}</p>`),
      );
    }
    if (url.pathname === '/slow') return; // never answers: for timeouts and cancellation
    html(res, 404, page('Not found', '<h1>Not found</h1>'));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    base,
    closedPort,
    submissions,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
