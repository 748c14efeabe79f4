/**
 * The CLI's `--version`, `--verbose` request log and port-in-use message, each proven on a real child process over
 * real HTTP.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from '../../../mock-server/runtimes/node.js';
import { REPO_ROOT, runCliToExit, startCli, stopAllClis } from './cli-process.js';

afterEach(stopAllClis);

const CALLBACK = 'http://localhost:3000/callback';

/** Stack-trace lines: a failure must read like a message, not a crash. */
const STACK_LINE = /^\s+at /m;

describe('mcp-mock-auth-server --version', () => {
  it.each([['--version'], ['-V']])('%s prints the package version and exits 0', async (flag) => {
    const { version } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    const exit = await runCliToExit([flag]);
    expect(exit.code).toBe(0);
    expect(exit.stdout).toBe(`${version}\n`);
    expect(exit.stderr).toBe('');
  });

  it('is listed in --help, with --verbose', async () => {
    const exit = await runCliToExit(['--help']);
    expect(exit.stdout).toMatch(/^\s+-V, --version\s/m);
    expect(exit.stdout).toMatch(/^\s+-v, --verbose\s/m);
  });
});

describe('mcp-mock-auth-server with the port in use', () => {
  it('names the port, suggests --port 0, exits 1 without a stack trace', async () => {
    const occupant = await listen(async () => new Response('busy'));
    try {
      const exit = await runCliToExit(['--port', String(occupant.port)]);
      expect(exit.code).toBe(1);
      expect(exit.stdout).toBe('');
      expect(exit.stderr).toBe(
        `mcp-mock-auth-server: port ${occupant.port} is already in use on 127.0.0.1; pass --port 0 for a free port, or --port <n> for another one\n`,
      );
      expect(exit.stderr).not.toMatch(STACK_LINE);
    } finally {
      await occupant.close();
    }
  });
});

/** Every secret a whole flow sends or receives, collected as it goes, so the test can look for each in the log. */
class Secrets {
  readonly values = new Set<string>();
  add(...values: Array<unknown>): void {
    for (const value of values) {
      expect(typeof value).toBe('string');
      expect(value).not.toBe('');
      this.values.add(value as string);
    }
  }
}

async function json(response: Response, status: number): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  return (await response.json()) as Record<string, unknown>;
}

describe('mcp-mock-auth-server --verbose', () => {
  it('writes one line per request on stderr and no secret of a whole flow', async () => {
    const cli = await startCli(['--port', '0', '--verbose', '--registration', '--revocation']);
    const base = cli.url;
    const secrets = new Secrets();
    let requests = 0;
    const send = (path: string, init?: RequestInit): Promise<Response> => {
      requests++;
      return fetch(`${base}${path}`, { redirect: 'manual', ...init });
    };

    // Dynamic registration of a confidential client: its secret comes back in the response.
    const client = await json(
      await send('/register', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          redirect_uris: [CALLBACK],
          token_endpoint_auth_method: 'client_secret_post',
          grant_types: ['authorization_code', 'refresh_token'],
        }),
      }),
      201,
    );
    const clientId = client.client_id as string;
    secrets.add(client.client_secret);

    // Authorization: the code arrives in the redirect's query.
    const verifier = randomBytes(32).toString('base64url');
    secrets.add(verifier);
    const authorization = await send(
      `/authorize?${new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        redirect_uri: CALLBACK,
        state: 'st',
      }).toString()}`,
    );
    expect(authorization.status).toBe(302);
    const code = new URL(authorization.headers.get('location') ?? '').searchParams.get('code');
    secrets.add(code);

    // Code exchange: code, verifier and client secret in the form; tokens in the answer.
    const tokens = await json(
      await send('/token', {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: code ?? '',
          code_verifier: verifier,
          redirect_uri: CALLBACK,
          client_id: clientId,
          client_secret: client.client_secret as string,
        }),
      }),
      200,
    );
    secrets.add(tokens.access_token, tokens.refresh_token);

    // The protected endpoint: the token in the Authorization header, and once (wrongly) in the query.
    const mcp = await send('/mcp', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.access_token as string}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      }),
    });
    expect(mcp.status).toBe(200);
    await mcp.body?.cancel();
    const queried = await send(`/mcp?access_token=${encodeURIComponent(tokens.access_token as string)}`, {
      method: 'POST',
    });
    expect(queried.status).toBe(401);
    await queried.body?.cancel();

    // Refresh with HTTP Basic client authentication, then revocation of the new refresh token.
    const basic = Buffer.from(`${clientId}:${client.client_secret as string}`).toString('base64');
    secrets.add(basic);
    const refreshed = await json(
      await send('/token', {
        method: 'POST',
        headers: { authorization: `Basic ${basic}` },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token as string,
          client_id: clientId,
          client_secret: client.client_secret as string,
        }),
      }),
      200,
    );
    secrets.add(refreshed.access_token, refreshed.refresh_token);
    const revoked = await send('/revoke', {
      method: 'POST',
      body: new URLSearchParams({
        token: refreshed.refresh_token as string,
        client_id: clientId,
        client_secret: client.client_secret as string,
      }),
    });
    expect(revoked.status).toBe(200);
    await revoked.body?.cancel();

    const exit = await cli.stop('SIGTERM');
    expect(exit.code).toBe(0);
    // stdout stays the one machine-readable line.
    expect(exit.stdout).toBe(`mcp-mock-auth-server listening on ${cli.url} (issuer ${cli.issuer})\n`);

    expect(secrets.values.size).toBeGreaterThanOrEqual(8);
    for (const secret of secrets.values) {
      expect(exit.stderr).not.toContain(secret);
      // A secret cut or URL-encoded must not slip through either.
      expect(exit.stderr).not.toContain(secret.slice(0, 12));
      expect(exit.stderr).not.toContain(encodeURIComponent(secret).slice(0, 12));
    }

    const lines = exit.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(requests);
    const line =
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (GET|POST) (\/\S*) (\d{3}) (\d+)ms( client_id=\S+)?$/;
    for (const entry of lines) expect(entry).toMatch(line);
    const summary = lines.map((entry) => {
      const [, method, path, status, , client] = line.exec(entry) ?? [];
      return `${method} ${path} ${status}${client ?? ''}`;
    });
    expect(summary).toEqual([
      'POST /register 201',
      `GET /authorize 302 client_id=${clientId}`,
      `POST /token 200 client_id=${clientId}`,
      'POST /mcp 200',
      'POST /mcp 401',
      `POST /token 200 client_id=${clientId}`,
      `POST /revoke 200 client_id=${clientId}`,
    ]);
  });

  it('writes nothing per request without --verbose', async () => {
    const cli = await startCli(['--port', '0']);
    const response = await fetch(`${cli.url}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    await response.body?.cancel();
    const exit = await cli.stop('SIGTERM');
    expect(exit.stderr).toBe('');
  });
});
