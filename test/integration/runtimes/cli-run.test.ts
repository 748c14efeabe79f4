import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../mock-server/runtimes/cli-run.js';
import { parseListeningLine } from '../../../mock-server/runtimes/cli-settings.js';

let workDir = '';
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'mock-cli-run-'));
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** runCli in this process, with captured output and a stop switch. */
function invoke(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  let requestStop!: () => void;
  const stopRequested = new Promise<void>((resolve) => {
    requestStop = resolve;
  });
  let announce!: (line: string) => void;
  const ready = new Promise<string>((resolve) => {
    announce = resolve;
  });
  const exit = runCli({
    argv,
    env,
    stdout: (text) => {
      out.push(text);
      announce(text);
    },
    stderr: (text) => err.push(text),
    stopRequested,
  });
  return { exit, ready, requestStop, out, err };
}

describe('runCli usage errors (exit 2, nothing bound, no stack trace)', () => {
  it.each([
    [['--no-such-flag'], /Unknown option '--no-such-flag'/],
    [['extra-positional'], /extra-positional/],
    [['--port', 'eighty'], /--port must be a port number from 0 to 65535, got "eighty"/],
    [['--client', '{oops'], /--client #1 is not valid JSON/],
    [['--client', '{"client_id":"x"}'], /clients\[0\]\.redirect_uris: must be a non-empty list of URLs/],
    [
      ['--issuer-url', 'http://example.com'],
      /issuerUrl: must use https unless the host is localhost or 127\.0\.0\.1/,
    ],
    [['--issuer-url', 'http://localhost/?q=1'], /issuerUrl: must not have a query string/],
    [['--client-secret-expiry-seconds', 'soon'], /--client-secret-expiry-seconds must be a whole number/],
    [['--consent', '--no-consent'], /--consent and --no-consent contradict each other/],
    [
      ['--config', '/nonexistent/settings.json'],
      /cannot read --config \/nonexistent\/settings\.json: ENOENT/,
    ],
  ])('%j', async (args, message) => {
    const run = invoke(['--port', '0', ...args]);
    expect(await run.exit).toBe(2);
    expect(run.out).toEqual([]);
    const stderr = run.err.join('');
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/^mcp-mock-auth-server: /);
    expect(stderr).toContain('Run mcp-mock-auth-server --help for the options.');
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('names a bad config file and the problem in it', async () => {
    const file = join(workDir, 'typo.json');
    await writeFile(file, JSON.stringify({ issuer_url: 'http://localhost:8000' }));
    const run = invoke(['--port', '0', '--config', file]);
    expect(await run.exit).toBe(2);
    expect(run.err.join('')).toContain(`${file}: unknown setting "issuer_url"`);
  });

  it('names a malformed environment variable', async () => {
    const run = invoke(['--port', '0'], {
      FASTMCP_AUTH__CLIENT_REGISTRATION_OPTIONS__VALID_SCOPES: '[not json',
    });
    expect(await run.exit).toBe(2);
    expect(run.err.join('')).toContain('FASTMCP_AUTH__CLIENT_REGISTRATION_OPTIONS__VALID_SCOPES');
  });

  it('rejects a malformed FASTMCP_PORT', async () => {
    const run = invoke([], { FASTMCP_PORT: 'http' });
    expect(await run.exit).toBe(2);
    expect(run.err.join('')).toContain('FASTMCP_PORT must be a port number');
  });
});

describe('runCli serving', () => {
  it('prints help on stdout and exits 0', async () => {
    const run = invoke(['--help']);
    expect(await run.exit).toBe(0);
    expect(run.out.join('')).toContain('--required-scopes <a,b>');
  });

  it('binds FASTMCP_HOST/FASTMCP_PORT when no flag says otherwise, and stops on request', async () => {
    const run = invoke([], { FASTMCP_HOST: '127.0.0.1', FASTMCP_PORT: '0' });
    const ready = parseListeningLine(await run.ready);
    expect(ready).toBeDefined();
    const response = await fetch(`${ready?.url}/.well-known/oauth-authorization-server`);
    expect(((await response.json()) as { issuer: string }).issuer).toBe(ready?.issuer);
    run.requestStop();
    expect(await run.exit).toBe(0);
    expect(run.out).toHaveLength(1);
  });
});
