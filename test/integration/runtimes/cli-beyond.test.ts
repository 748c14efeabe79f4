/** The CLI process with the beyond-FastMCP flags and a preset, over real HTTP. */
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, stopAllClis } from './cli-process.js';

afterAll(stopAllClis);

describe('mcp-mock-auth-server --spec latest --preset', () => {
  it('serves the latest metadata under a path issuer and announces that issuer', async () => {
    const cli = await startCli(['--port', '0', '--spec', 'latest', '--preset', 'path-issuer']);
    expect(cli.issuer).toBe(`${cli.url}/tenant`);
    const response = await fetch(`${cli.url}/.well-known/oauth-authorization-server/tenant`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata['issuer']).toBe(cli.issuer);
    expect(metadata['client_id_metadata_document_supported']).toBe(true);
    expect(metadata['authorization_response_iss_parameter_supported']).toBe(true);
    expect(metadata['token_endpoint_auth_methods_supported']).toContain('none');
    const mcp = await fetch(`${cli.url}/mcp`, { method: 'POST', headers: { origin: 'http://app.example' } });
    expect(mcp.status).toBe(401);
    expect(mcp.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    expect((await cli.stop('SIGTERM')).code).toBe(0);
  });
});
