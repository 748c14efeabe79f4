/** Every built-in preset, switched on at run time with `mock.control.usePreset` and checked by its symptom. */
import { describe, expect, it } from 'vitest';
import { createMockAuthServer } from '../../../mock-server/index.js';
import {
  ELSEWHERE_RESOURCE,
  MOCK_SERVER_PRESET_NAMES,
  presetPatch,
  resourceMovedTo,
} from '../../../mock-server/presets.js';
import { ALL_CLIENTS, authorize, location, obtainTokens, pkcePair, PUBLIC_CLIENT } from './helpers.js';
import { BASE, caseContext, INITIALIZE, mcpPost, PRM_URL, tokensFor } from './mcp-helpers.js';

function baseMock() {
  return createMockAuthServer({
    issuerUrl: BASE,
    clients: ALL_CLIENTS,
    requiredScopes: ['read'],
    clientRegistrationOptions: { enabled: true },
  });
}

async function json(mock: ReturnType<typeof baseMock>, path: string): Promise<Record<string, unknown>> {
  const response = await mock.fetch(new Request(`${BASE}${path}`));
  expect(response.status, path).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

const AS_METADATA = '/.well-known/oauth-authorization-server';

async function authorizationResponse(mock: ReturnType<typeof baseMock>): Promise<URL> {
  const { challenge } = await pkcePair();
  return location(
    await authorize(caseContext(mock), {
      client_id: PUBLIC_CLIENT.client_id,
      response_type: 'code',
      code_challenge: challenge,
    }),
  );
}

describe('server presets', () => {
  it('every built-in name is offered by mock.control and yields valid settings', () => {
    const mock = baseMock();
    for (const name of MOCK_SERVER_PRESET_NAMES) {
      expect(mock.control.presetNames()).toContain(name);
      expect(() => mock.control.usePreset(name)).not.toThrow();
    }
  });

  it('fastmcp and latest', async () => {
    const mock = baseMock();
    mock.control.usePreset('latest');
    const latest = await json(mock, AS_METADATA);
    expect(latest['client_id_metadata_document_supported']).toBe(true);
    expect(latest['authorization_response_iss_parameter_supported']).toBe(true);
    mock.control.usePreset('fastmcp');
    expect(await json(mock, AS_METADATA)).not.toHaveProperty('client_id_metadata_document_supported');
    const latestFromStart = createMockAuthServer({
      issuerUrl: BASE,
      spec: 'latest',
      quirks: { omitS256: true },
    });
    latestFromStart.control.usePreset('fastmcp');
    const fastmcp = await json(latestFromStart, AS_METADATA);
    expect(fastmcp).not.toHaveProperty('authorization_response_iss_parameter_supported');
    expect(fastmcp['code_challenge_methods_supported']).toStrictEqual(['S256']);
  });

  it('path-issuer and trailing-slash-issuer: path-inserted metadata naming the path issuer', async () => {
    const mock = baseMock();
    mock.control.usePreset('path-issuer');
    expect((await json(mock, '/.well-known/oauth-authorization-server/tenant'))['issuer']).toBe(
      `${BASE}/tenant`,
    );
    expect(
      (await obtainTokens(caseContext(mock, `${BASE}/tenant`), PUBLIC_CLIENT)).access_token,
    ).toBeTruthy();
    mock.control.usePreset('trailing-slash-issuer');
    const metadata = await json(mock, '/tenant/.well-known/openid-configuration');
    expect(metadata['issuer']).toBe(`${BASE}/tenant/`);
    expect(metadata['authorization_endpoint']).toBe(`${BASE}/tenant/authorize`);
  });

  it('metadata-issuer-mismatch publishes another issuer', async () => {
    const mock = baseMock();
    mock.control.usePreset('metadata-issuer-mismatch');
    expect((await json(mock, AS_METADATA))['issuer']).toBe(`${BASE}/other-issuer`);
  });

  it('iss-wrong, iss-missing, iss-unadvertised', async () => {
    const mock = baseMock();
    mock.control.usePreset('iss-wrong');
    expect((await json(mock, AS_METADATA))['authorization_response_iss_parameter_supported']).toBe(true);
    expect((await authorizationResponse(mock)).searchParams.get('iss')).toBe('https://wrong-issuer.invalid/');
    mock.control.usePreset('iss-missing');
    expect((await json(mock, AS_METADATA))['authorization_response_iss_parameter_supported']).toBe(true);
    expect((await authorizationResponse(mock)).searchParams.has('iss')).toBe(false);
    mock.control.usePreset('iss-unadvertised');
    expect(await json(mock, AS_METADATA)).not.toHaveProperty(
      'authorization_response_iss_parameter_supported',
    );
    expect((await authorizationResponse(mock)).searchParams.get('iss')).toBe(`${BASE}/`);
  });

  it('no-s256 leaves code_challenge_methods_supported out but still requires PKCE', async () => {
    const mock = baseMock();
    mock.control.usePreset('no-s256');
    expect(await json(mock, AS_METADATA)).not.toHaveProperty('code_challenge_methods_supported');
    const response = await authorize(caseContext(mock), {
      client_id: PUBLIC_CLIENT.client_id,
      response_type: 'code',
    });
    expect(location(response).searchParams.get('error')).toBe('invalid_request');
  });

  it('pre-registration-only and cimd-only have no registration endpoint', async () => {
    const mock = baseMock();
    mock.control.usePreset('pre-registration-only');
    const pre = await json(mock, AS_METADATA);
    expect(pre).not.toHaveProperty('registration_endpoint');
    expect(pre).not.toHaveProperty('client_id_metadata_document_supported');
    expect((await mock.fetch(new Request(`${BASE}/register`, { method: 'POST', body: '{}' }))).status).toBe(
      404,
    );
    mock.control.usePreset('cimd-only');
    const cimd = await json(mock, AS_METADATA);
    expect(cimd).not.toHaveProperty('registration_endpoint');
    expect(cimd['client_id_metadata_document_supported']).toBe(true);
  });

  it('resource-mismatch names another resource in the protected-resource metadata', async () => {
    const mock = baseMock();
    mock.control.usePreset('resource-mismatch');
    expect((await json(mock, '/.well-known/oauth-protected-resource/mcp'))['resource']).toBe(
      ELSEWHERE_RESOURCE,
    );
  });

  it('step-up answers 403 with scope= for the elevated tool', async () => {
    const mock = baseMock();
    mock.control.usePreset('step-up');
    const { access_token } = await tokensFor(mock, { scope: 'read' });
    const authorization = `Bearer ${access_token}`;
    const init = await mcpPost(mock, INITIALIZE, { authorization });
    const sessionId = init.headers.get('mcp-session-id') ?? '';
    await init.body?.cancel();
    const response = await mcpPost(
      mock,
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'elevated_echo', arguments: { message: 'x' } },
      },
      { authorization, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('scope="read admin"');
  });

  it('2025-03-26 has no resource metadata and no resource_metadata= in challenges', async () => {
    const mock = baseMock();
    mock.control.usePreset('2025-03-26');
    expect((await mock.fetch(new Request(PRM_URL))).status).toBe(404);
    const challenge = await mcpPost(mock, INITIALIZE);
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get('www-authenticate')).toBe(
      'Bearer error="invalid_token", error_description="Authentication required"',
    );
    expect((await json(mock, AS_METADATA))['registration_endpoint']).toBe(`${BASE}/register`);
  });

  it('no-refresh-token never returns a refresh token', async () => {
    const mock = baseMock();
    mock.control.usePreset('no-refresh-token');
    const tokens = await tokensFor(mock);
    expect(tokens).not.toHaveProperty('refresh_token');
  });

  it('short-lived-tokens issues 5-second access tokens', async () => {
    const mock = baseMock();
    mock.control.usePreset('short-lived-tokens');
    const tokens = await tokensFor(mock);
    expect(tokens.expires_in).toBe(5);
    mock.control.clock.advance(6);
    const response = await mcpPost(mock, INITIALIZE, { authorization: `Bearer ${tokens.access_token}` });
    expect(response.status).toBe(401);
  });

  it('presetPatch derives URL presets from the initial issuer', () => {
    const mock = createMockAuthServer({ issuerUrl: 'https://auth.example' });
    expect(presetPatch('path-issuer', mock.settings)).toMatchObject({
      issuerUrl: 'https://auth.example/tenant',
    });
  });
});

describe('a resource that moves to a second authorization server (resourceMovedTo + peers)', () => {
  it('names only the second issuer and accepts only its tokens', async () => {
    const SECOND = 'http://localhost:9000';
    const second = createMockAuthServer({ issuerUrl: SECOND, clients: ALL_CLIENTS });
    const first = createMockAuthServer(
      { issuerUrl: BASE, clients: ALL_CLIENTS },
      { peers: [second], presets: { 'resource-moved': resourceMovedTo(`${SECOND}/`) } },
    );
    const before = await tokensFor(first);
    const fromSecond = await obtainTokens(caseContext(second, SECOND), PUBLIC_CLIENT);
    const status = async (token: string) => {
      const response = await mcpPost(first, INITIALIZE, { authorization: `Bearer ${token}` });
      await response.body?.cancel();
      return response.status;
    };
    expect(await status(before.access_token)).toBe(200);
    expect(await status(fromSecond.access_token)).toBe(401);
    first.control.usePreset('resource-moved');
    expect(
      (await json(first, '/.well-known/oauth-protected-resource/mcp'))['authorization_servers'],
    ).toStrictEqual([`${SECOND}/`]);
    expect(await status(before.access_token)).toBe(401);
    expect(await status(fromSecond.access_token)).toBe(200);
  });
});
