/**
 * Building the authorization request: PKCE S256 (refused when the server does not advertise it), random
 * `state`, RFC 8707 `resource` exactly as published, and the selected scopes.
 */
import { calculatePKCECodeChallenge, generateRandomCodeVerifier, generateRandomState } from 'oauth4webapi';
import type { AuthorizationServer } from 'oauth4webapi';
import { AuthorizationError } from '../errors.js';
import type { PendingAuthorization, PendingClient } from '../storage/auth-state.js';

/** Throws unless the server advertises S256 (the 2025-03-26 no-metadata fallback is exempt). Pure. */
export function assertPkceS256(as: AuthorizationServer, legacyDefaultEndpoints: boolean): void {
  if (legacyDefaultEndpoints) return;
  const methods = as.code_challenge_methods_supported;
  if (!Array.isArray(methods) || !methods.includes('S256')) {
    throw new AuthorizationError({
      code: 'pkce_not_supported',
      message: `the authorization server ${as.issuer} does not advertise PKCE S256 (code_challenge_methods_supported is ${
        Array.isArray(methods) ? JSON.stringify(methods) : 'absent'
      }): MCP clients must not authorize without it; ask the server operator to enable S256`,
    });
  }
}

/**
 * Whether the metadata describes an OpenID Provider: it supports the `openid` scope, or publishes what only OpenID
 * Connect Discovery defines (ID token algorithms, a userinfo endpoint). Pure.
 */
export function isOpenIdProvider(as: AuthorizationServer): boolean {
  return (
    as.scopes_supported?.includes('openid') === true ||
    Array.isArray(as.id_token_signing_alg_values_supported) ||
    typeof as.userinfo_endpoint === 'string'
  );
}

/**
 * OpenID Connect Core §11: an OpenID Provider honours `offline_access` (issues a refresh token) only with
 * `prompt=consent`, and may otherwise drop it silently. So the request says `prompt=consent` when it asks an OpenID
 * Provider for `offline_access`, unless the provider lists its prompts without `consent`. Pure.
 */
export function needsConsentPrompt(as: AuthorizationServer, scopes: readonly string[]): boolean {
  if (!scopes.includes('offline_access') || !isOpenIdProvider(as)) return false;
  const prompts = as['prompt_values_supported'];
  return !Array.isArray(prompts) || prompts.includes('consent');
}

/** Inputs of the authorization URL. */
export interface AuthorizationRequestInput {
  as: AuthorizationServer;
  clientId: string;
  /** How that client authenticates (stored with the request, without a secret). */
  client: PendingClient;
  redirectUri: string;
  resource: string;
  scopes: readonly string[];
  issuer: string;
  mcpUrl: string;
  now: number;
  /** Whether the code is to be redeemed with a DPoP proof (the key is made then, so an abandoned sign-in leaves none). */
  dpop?: boolean | undefined;
}

/** Builds the authorization URL and the pending state needed to complete it. */
export async function buildAuthorizationRequest(
  input: AuthorizationRequestInput,
): Promise<{ url: URL; pending: PendingAuthorization }> {
  if (typeof input.as.authorization_endpoint !== 'string') {
    throw new AuthorizationError({
      code: 'invalid_response',
      message: `the authorization server ${input.issuer} publishes no authorization_endpoint`,
    });
  }
  const codeVerifier = generateRandomCodeVerifier();
  const state = generateRandomState();
  const url = new URL(input.as.authorization_endpoint);
  const params = url.searchParams;
  params.set('response_type', 'code');
  params.set('client_id', input.clientId);
  params.set('redirect_uri', input.redirectUri);
  params.set('code_challenge', await calculatePKCECodeChallenge(codeVerifier));
  params.set('code_challenge_method', 'S256');
  params.set('state', state);
  params.set('resource', input.resource);
  if (input.scopes.length > 0) params.set('scope', input.scopes.join(' '));
  if (needsConsentPrompt(input.as, input.scopes)) params.set('prompt', 'consent');
  return {
    url,
    pending: {
      state,
      codeVerifier,
      redirectUri: input.redirectUri,
      issuer: input.issuer,
      authorizationServer: input.as,
      clientId: input.clientId,
      client: input.client,
      resource: input.resource,
      scopes: [...input.scopes],
      mcpUrl: input.mcpUrl,
      createdAt: input.now,
      ...(input.dpop === true ? { dpop: true } : {}),
    },
  };
}
