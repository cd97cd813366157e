// The gateway's plain-HTTP passthrough (/webhooks, /imports → fundraising): the raw bytes a
// provider signed reach the subgraph unchanged, and the subgraph's status, headers and body come
// back unchanged (GoCardless expects 498 on a bad signature, for instance).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, createTokenVerifier, defaultSchemasDir } from '@commonhold/kit';
import { testKeys } from '@commonhold/testing';
import { startGateway, supergraphUrls, type RunningGateway } from '../src/gateway';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

let upstream: http.Server;
let gateway: RunningGateway;
const seen: Seen[] = [];
let base: string;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      if (req.url!.includes('bad-signature')) {
        res.writeHead(498, { 'content-type': 'application/json', 'x-upstream': 'fundraising' });
        res.end(JSON.stringify({ error: 'invalid signature' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain', 'x-upstream': 'fundraising' });
      res.end(`ok ${chunks.reduce((n, c) => n + c.length, 0)}`);
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const keys = await testKeys();
  gateway = await startGateway({
    port: 0,
    host: '127.0.0.1',
    supergraphSdl: readFileSync(join(defaultSchemasDir(), 'supergraph.graphql'), 'utf8'),
    subgraphUrls: { fundraising: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/graphql` },
    verifyToken: createTokenVerifier({ jwksFile: keys.jwksFile, issuer: 'commonhold-identity', audience: 'commonhold' }),
    production: false,
    log: createLogger('gateway', 'silent'),
  });
  base = `http://127.0.0.1:${gateway.port}`;
});

afterAll(async () => {
  await gateway?.stop();
  await new Promise((r) => upstream?.close(r));
});

it('reads each subgraph’s routing URL from the supergraph', () => {
  const urls = supergraphUrls(readFileSync(join(defaultSchemasDir(), 'supergraph.graphql'), 'utf8'));
  expect(urls.fundraising).toMatch(/^http:\/\/.+\/graphql$/);
  expect(urls.volunteers).toMatch(/^http:\/\/.+\/graphql$/);
});

it('passes a webhook through byte for byte, with its signature header, path and query', async () => {
  // Bytes JSON.parse/stringify would change: key order, spacing, a non-ASCII character.
  const body = Buffer.from('{"b":1,  "a":"caf\u00e9"}\n', 'utf8');
  const r = await fetch(`${base}/webhooks/stripe/acme?x=1`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=abc' } });
  expect(r.status).toBe(200);
  expect(r.headers.get('x-upstream')).toBe('fundraising');
  expect(await r.text()).toBe(`ok ${body.length}`);
  const got = seen.at(-1)!;
  expect(got).toMatchObject({ method: 'POST', url: '/webhooks/stripe/acme?x=1' });
  expect(got.body.equals(body)).toBe(true);
  expect(got.headers['stripe-signature']).toBe('t=1,v1=abc');
  expect(got.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
});

it('returns the subgraph’s own status and body (498 for a bad GoCardless signature)', async () => {
  const r = await fetch(`${base}/webhooks/gocardless/acme/bad-signature`, { method: 'POST', body: '{"events":[]}', headers: { 'webhook-signature': 'nope' } });
  expect(r.status).toBe(498);
  expect(await r.json()).toEqual({ error: 'invalid signature' });
});

it('passes /imports uploads through too, and nothing else', async () => {
  const csv = 'external_id,amount\n' + Array.from({ length: 20_000 }, (_, i) => `row-${i},10.00`).join('\n');
  const r = await fetch(`${base}/imports/job-1/csv`, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
  expect(await r.text()).toBe(`ok ${Buffer.byteLength(csv)}`);
  const before = seen.length;
  const other = await fetch(`${base}/elsewhere`, { method: 'POST', body: 'x' });
  expect(other.status).toBe(404);
  expect(seen.length).toBe(before);
});
