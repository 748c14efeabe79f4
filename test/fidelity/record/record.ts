/**
 * Records the fidelity corpus against the real FastMCP. Needs Python 3.10+ with the Python MCP SDK v1.x source and
 * its dependencies (see README "Fidelity to FastMCP"); CI never runs this, it replays the committed fixtures.
 *
 *   FASTMCP_SDK_SRC=/path/to/python-sdk/src FASTMCP_SDK_VERSION=v1.29.0 [FASTMCP_SDK_COMMIT=…] \
 *     PYTHON=/path/to/venv/bin/python npx tsx test/fidelity/record/record.ts
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS } from '../corpus.js';
import { runCase } from '../runner.js';
import type { WireRequest, WireResponse } from '../wire.js';
import { FIXTURE_PATH, type Fixture } from '../fixture.js';

const sdkSource = process.env['FASTMCP_SDK_SRC'];
const sdkVersion = process.env['FASTMCP_SDK_VERSION'] ?? 'v1.x';
const sdkCommit = process.env['FASTMCP_SDK_COMMIT'];
const python = process.env['PYTHON'] ?? 'python3';
if (sdkSource === undefined) {
  process.stderr.write('Set FASTMCP_SDK_SRC to the src/ folder of the Python MCP SDK v1.x (branch v1.x).\n');
  process.exit(2);
}

/** The SDK reads its own version from package metadata; a source tree has none, so give it some. */
function metadataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fastmcp-meta-'));
  const version = sdkVersion.replace(/^v/, '').replace(/[^0-9.]/g, '') || '1.0.0';
  mkdirSync(join(dir, `mcp-${version}.dist-info`));
  writeFileSync(
    join(dir, `mcp-${version}.dist-info`, 'METADATA'),
    `Metadata-Version: 2.1\nName: mcp\nVersion: ${version}\n`,
  );
  return dir;
}

function send(port: number, wire: WireRequest): Promise<WireResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of wire.headers) headers[name] = value;
    if (wire.body !== undefined) headers['content-length'] = String(wire.body.length);
    // A fresh connection per request: a request that makes the server drop its connection spoils no other.
    const req = httpRequest(
      { host: '127.0.0.1', port, method: wire.method, path: wire.path, headers, agent: false },
      (res) => {
        const responseHeaders: Array<[string, string]> = [];
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          responseHeaders.push([String(res.rawHeaders[i]).toLowerCase(), String(res.rawHeaders[i + 1])]);
        }
        const status = res.statusCode ?? 0;
        if (wire.stream && status === 200) {
          res.destroy();
          resolve({ status, headers: responseHeaders, body: '' });
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status, headers: responseHeaders, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout: ${wire.method} ${wire.path}`)));
    // A dropped connection is an answer too (the server crashed on the request): recorded, not fatal.
    req.on('error', (error) =>
      resolve({ status: 0, headers: [], body: `connection error: ${error.message}` }),
    );
    req.end(wire.body === undefined ? undefined : Buffer.from(wire.body));
  });
}

/**
 * FastMCP refuses an oversized body from its declared length and closes the connection while the body is still
 * being written; whether the client reads the 413 or sees the reset first is a race. Retry until it reads the 413.
 */
async function sendSettled(port: number, wire: WireRequest): Promise<WireResponse> {
  let response = await send(port, wire);
  for (let attempt = 0; attempt < 10 && response.status === 0; attempt += 1)
    response = await send(port, wire);
  return response;
}

async function waitUntilUp(port: number): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const probe = {
      method: 'GET',
      path: '/.well-known/oauth-authorization-server',
      headers: [],
      body: undefined,
      stream: false,
    };
    if ((await send(port, probe)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('FastMCP did not start');
}

const port = 20_000 + Math.floor(Math.random() * 20_000);
const server = spawn(python, [fileURLToPath(new URL('./fastmcp_server.py', import.meta.url)), String(port)], {
  env: {
    ...process.env,
    PYTHONPATH: [sdkSource, metadataDir(), process.env['PYTHONPATH'] ?? ''].join(delimiter),
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
try {
  await waitUntilUp(port);
  const cases: Fixture['cases'] = {};
  for (const fidelityCase of CORPUS) {
    cases[fidelityCase.name] = await runCase(fidelityCase, (wire) => sendSettled(port, wire));
  }
  const fixture: Fixture = {
    recordedFrom: `Python MCP SDK ${sdkVersion}${sdkCommit === undefined ? '' : ` (${sdkCommit})`}, FastMCP`,
    cases,
  };
  writeFileSync(FIXTURE_PATH, `${JSON.stringify(fixture, null, 1)}\n`);
  process.stdout.write(`recorded ${CORPUS.length} cases to ${FIXTURE_PATH}\n`);
} finally {
  server.kill('SIGTERM');
}
