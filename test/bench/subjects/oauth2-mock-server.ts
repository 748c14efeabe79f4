/**
 * The refresh-grant peer: `oauth2-mock-server`'s token endpoint (it signs a JWT per answer). The SDK's demo provider
 * implements no refresh grant, so this is the nearest published mock that answers one.
 */
import { OAuth2Server } from 'oauth2-mock-server';
import { FORM_HEADERS, formBody, repeating, type RouteWorkload } from '../support/workload.js';

export interface OAuth2MockServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startOAuth2MockServer(): Promise<OAuth2MockServer> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  const url = server.issuer.url;
  if (url === undefined) throw new Error('oauth2-mock-server has no URL');
  return { url, close: () => server.stop() };
}

/** It accepts any refresh token, so every request can be the same. */
export function oauth2MockRefreshWorkload(): RouteWorkload {
  return {
    ...repeating('token (refresh)', 200, {
      method: 'POST',
      path: '/token',
      headers: FORM_HEADERS,
      body: formBody({ grant_type: 'refresh_token', refresh_token: 'any', client_id: 'bench-client' }),
    }),
    servedBy: 'oauth2-mock-server',
  };
}
