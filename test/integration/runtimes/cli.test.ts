import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCliToExit, startCli, stopAllClis } from './cli-process.js';

const CALLBACK = 'http://localhost:3000/callback';
const CLIENT = {
  client_id: 'cli-app',
  redirect_uris: [CALLBACK],
  token_endpoint_auth_method: 'none',
  scope: 'read',
};

let workDir = '';
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mock-cli-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});
afterEach(stopAllClis);

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function metadata(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/.well-known/oauth-authorization-server`);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** No stack-trace lines: a usage error must read like a message, not a crash. */
function expectNoStack(text: string): void {
  expect(text).not.toMatch(/^\s+at /m);
}

describe('mcp-mock-auth-server CLI over real HTTP', () => {
  it('serves the whole authorization-code flow on the port it picked, then stops cleanly on SIGTERM', async () => {
    const cli = await startCli(['--port', '0', '--client', JSON.stringify(CLIENT)]);
    const port = new URL(cli.url).port;
    expect(cli.url).toBe(`http://127.0.0.1:${port}`);
    expect(Number(port)).toBeGreaterThan(0);
    // With --port 0 the issuer must carry the real port, not 0.
    expect(cli.issuer).toBe(`http://127.0.0.1:${port}/`);

    const document = await metadata(cli.url);
    expect(document.issuer).toBe(cli.issuer);
    expect(document.token_endpoint).toBe(`${cli.url}/token`);

    const { verifier, challenge } = pkce();
    const query = new URLSearchParams({
      client_id: CLIENT.client_id,
      response_type: 'code',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      redirect_uri: CALLBACK,
      state: 'st',
      scope: 'read',
    });
    const authorization = await fetch(`${cli.url}/authorize?${query.toString()}`, { redirect: 'manual' });
    expect(authorization.status).toBe(302);
    const callback = new URL(authorization.headers.get('location') ?? '');
    expect(callback.origin + callback.pathname).toBe(CALLBACK);
    expect(callback.searchParams.get('state')).toBe('st');
    const code = callback.searchParams.get('code') ?? '';
    expect(code).not.toBe('');

    const token = await fetch(`${cli.url}/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: CALLBACK,
        client_id: CLIENT.client_id,
      }),
    });
    expect(token.status).toBe(200);
    const tokens = (await token.json()) as Record<string, unknown>;
    expect(tokens.token_type).toBe('Bearer');
    expect(typeof tokens.access_token).toBe('string');

    const exit = await cli.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.signal).toBeNull();
    // Exactly one line on stdout: the ready line tools parse.
    expect(exit.stdout).toBe(`mcp-mock-auth-server listening on ${cli.url} (issuer ${cli.issuer})\n`);
    // Tokens and codes never reach the logs.
    expect(exit.stderr).not.toContain(String(tokens.access_token));
    expect(exit.stderr).not.toContain(code);
  });

  it('stops cleanly on SIGINT even with an idle keep-alive connection open', async () => {
    const cli = await startCli(['--port', '0']);
    await metadata(cli.url); // leaves a keep-alive connection in undici's pool
    const exit = await cli.stop('SIGINT');
    expect(exit.code).toBe(0);
    await expect(fetch(`${cli.url}/.well-known/oauth-authorization-server`)).rejects.toThrow();
  });

  it('layers flags over the config file over FASTMCP_AUTH__* environment', async () => {
    const config = join(workDir, 'settings.json');
    await writeFile(
      config,
      JSON.stringify({
        serviceDocumentationUrl: 'https://config.example/docs',
        requiredScopes: ['from-config'],
        clientRegistrationOptions: { validScopes: ['config-a', 'config-b'] },
        revocationOptions: { enabled: false },
      }),
    );
    const cli = await startCli(
      ['--port', '0', '--config', config, '--revocation', '--required-scopes', 'from-flag'],
      {
        env: {
          FASTMCP_AUTH__CLIENT_REGISTRATION_OPTIONS__ENABLED: 'true',
          FASTMCP_AUTH__CLIENT_REGISTRATION_OPTIONS__VALID_SCOPES: 'env-scope',
          FASTMCP_AUTH__SERVICE_DOCUMENTATION_URL: 'https://env.example/docs',
          FASTMCP_AUTH__REQUIRED_SCOPES: 'from-env',
        },
      },
    );
    const document = await metadata(cli.url);
    expect(document.registration_endpoint).toBe(`${cli.url}/register`); // environment
    expect(document.scopes_supported).toEqual(['config-a', 'config-b']); // config over environment
    expect(document.service_documentation).toBe('https://config.example/docs'); // config over environment
    expect(document.revocation_endpoint).toBe(`${cli.url}/revoke`); // flag over config
    const resource = await fetch(`${cli.url}/.well-known/oauth-protected-resource/mcp`);
    expect(((await resource.json()) as Record<string, unknown>).scopes_supported).toEqual(['from-flag']);
    expect((await cli.stop()).code).toBe(0);
  });

  it('uses an explicit --issuer-url and --resource-server-url', async () => {
    const cli = await startCli([
      '--port',
      '0',
      '--issuer-url',
      'http://localhost:9999',
      '--resource-server-url',
      'http://localhost:9999/custom/mcp',
    ]);
    expect(cli.issuer).toBe('http://localhost:9999/');
    expect((await metadata(cli.url)).token_endpoint).toBe('http://localhost:9999/token');
    const resource = await fetch(`${cli.url}/.well-known/oauth-protected-resource/custom/mcp`);
    expect(((await resource.json()) as Record<string, unknown>).resource).toBe(
      'http://localhost:9999/custom/mcp',
    );
    expect((await cli.stop()).code).toBe(0);
  });

  it('serves the consent page with --consent', async () => {
    const cli = await startCli(['--port', '0', '--consent', '--client', JSON.stringify(CLIENT)]);
    const { challenge } = pkce();
    const response = await authorizeWithoutFollowing(cli.url, challenge);
    expect(response.status).toBe(302);
    // With consent the mock sends the browser to its own page instead of straight back to the client.
    expect(new URL(response.headers.get('location') ?? '', cli.url).origin).toBe(cli.url);
    expect((await cli.stop()).code).toBe(0);
  });

  it('serves the HTTP control API with --control-path, outside the request log', async () => {
    const cli = await startCli([
      '--port',
      '0',
      '--control-path',
      '/__mock',
      '--client',
      JSON.stringify(CLIENT),
    ]);
    const control = (path: string, body?: unknown): Promise<Response> =>
      fetch(
        `${cli.url}/__mock${path}`,
        body === undefined
          ? {}
          : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      );
    const preset = await control('/preset', { name: 'iss-wrong' });
    expect(preset.status).toBe(200);
    expect(await preset.json()).toMatchObject({ issuer: cli.issuer, preset: 'iss-wrong', requestCount: 0 });

    const { challenge } = pkce();
    const authorization = await authorizeWithoutFollowing(cli.url, challenge);
    expect(new URL(authorization.headers.get('location') ?? '').searchParams.get('iss')).toBe(
      'https://wrong-issuer.invalid/',
    );

    const unknown = await control('/preset', { name: 'nope' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as Record<string, unknown>)['error']).toBe('unknown_preset');
    const requests = (await (await control('/requests?since=0')).json()) as {
      next: number;
      entries: Array<{ index: number; path: string; status: number }>;
    };
    expect(requests.next).toBe(1);
    expect(requests.entries).toMatchObject([{ index: 0, path: '/authorize', status: 302 }]);
    expect((await cli.stop()).code).toBe(0);
  });

  it('serves no control API without --control-path', async () => {
    const cli = await startCli(['--port', '0']);
    const response = await fetch(`${cli.url}/__mock/state`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe('Not Found');
    expect((await cli.stop()).code).toBe(0);
  });
});

describe('mcp-mock-auth-server CLI failures', () => {
  it('prints help and exits 0', async () => {
    const exit = await runCliToExit(['--help']);
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('Usage: mcp-mock-auth-server');
  });

  // The full table of usage errors runs in-process (cli-run.test.ts); this proves the real process's exit code.
  it('exits 2 with a clear message and no stack trace for a bad flag', async () => {
    const exit = await runCliToExit(['--port', '0', '--no-such-flag']);
    expect(exit.code).toBe(2);
    expect(exit.stdout).toBe('');
    expect(exit.stderr).toMatch(/no-such-flag/);
    expect(exit.stderr).toContain('--help');
    expectNoStack(exit.stderr);
  });

  // The port-in-use exit (code 1, the message suggesting --port 0) is in cli-version-verbose.test.ts.
});

/** A minimal authorization request for CLIENT, answered without following the redirect. */
function authorizeWithoutFollowing(baseUrl: string, challenge: string): Promise<Response> {
  const query = new URLSearchParams({
    client_id: CLIENT.client_id,
    response_type: 'code',
    code_challenge: challenge,
    redirect_uri: CALLBACK,
  });
  return fetch(`${baseUrl}/authorize?${query.toString()}`, { redirect: 'manual' });
}
