/**
 * `/authorize` (GET query, POST form; HEAD reads as an empty form, as in FastMCP). Checks run in FastMCP's order and
 * errors go to the client's redirect URI only when the client is known and the redirect URI resolves.
 */
import {
  BodyParseError,
  BodyTooLargeError,
  formString,
  lastWins,
  readForm,
  type Form,
} from '../http/body.js';
import { jsonResponse, oauthError, redirectResponse } from '../http/responses.js';
import { constructRedirectUri, urlError } from '../http/url.js';
import { AuthorizeError, type AuthorizationErrorCode } from '../provider/errors.js';
import type { AuthorizationParams } from '../provider/types.js';
import type { ClientInformation } from '../settings.js';
import { findClient, lookupClient, withRefusal } from '../cimd/lookup.js';
import { isOwnResource } from './audience.js';
import { withIssParameter } from './iss.js';
import { checkScopes, resolveRedirectUri } from './redirect-uri.js';
import type { RouteContext } from './router.js';
import { FormChecker, stringifyErrors } from './validation.js';

const NO_STORE = { 'Cache-Control': 'no-store' };

interface AuthorizationRequest {
  clientId: string;
  redirectUri: string | undefined;
  codeChallenge: string;
  state: string | undefined;
  scope: string | undefined;
  resource: string | undefined;
}

type Validated =
  | { ok: true; value: AuthorizationRequest }
  | { ok: false; error: AuthorizationErrorCode; description: string };

/** pydantic's `AuthorizationRequest` model, field by field. */
function validateAuthorizationRequest(params: Form): Validated {
  const check = new FormChecker(params);
  const clientId = check.required('client_id');
  const redirectUri = check.optionalUrl('redirect_uri');
  check.literal('response_type', ['code']);
  const codeChallenge = check.required('code_challenge');
  check.literal('code_challenge_method', ['S256'], 'S256');
  const state = check.optional('state');
  const scope = check.optional('scope');
  const resource = check.optional('resource');
  if (check.errors.length > 0) {
    const wrongResponseType = check.errors.some(
      (error) => error.loc === 'response_type' && error.type === 'literal_error',
    );
    return {
      ok: false,
      error: wrongResponseType ? 'unsupported_response_type' : 'invalid_request',
      description: stringifyErrors(check.errors),
    };
  }
  return { ok: true, value: { clientId, redirectUri, codeChallenge, state, scope, resource } };
}

export async function authorizeHandler(request: Request, context: RouteContext): Promise<Response> {
  const { provider } = context;
  let params: Form | undefined;
  let client: ClientInformation | undefined;
  let redirectUri: string | undefined;
  let state: string | undefined;

  const errorResponse = async (
    error: AuthorizationErrorCode,
    description: string | undefined,
    attemptLoadClient = true,
  ): Promise<Response> => {
    if (client === undefined && attemptLoadClient && params !== undefined) {
      const clientId = formString(params, 'client_id');
      client = clientId ? await lookupClient(context, clientId).catch(() => undefined) : undefined;
    }
    if (redirectUri === undefined && client !== undefined && params !== undefined) {
      const raw = params.get('redirect_uri');
      const usable = raw === undefined || (typeof raw === 'string' && urlError(raw) === undefined);
      if (usable) {
        const resolved = resolveRedirectUri(
          client,
          raw === undefined ? undefined : new URL(raw).href,
          context.settings.beyondFastMcp.restrictRedirectUriSchemes,
        );
        if (resolved.ok) redirectUri = resolved.value;
      }
    }
    if (state === undefined && params !== undefined) state = formString(params, 'state');
    const body = oauthError(error, description, { state });
    if (redirectUri !== undefined && client !== undefined) {
      const location = constructRedirectUri(redirectUri, body);
      return redirectResponse(withIssParameter(location, redirectUri, context.settings), NO_STORE);
    }
    return jsonResponse(body, 400, NO_STORE);
  };

  try {
    params =
      request.method === 'GET'
        ? lastWins(new URL(request.url).searchParams)
        : await readForm(request, context.settings.maxBodyBytes);
    state = formString(params, 'state');

    const validated = validateAuthorizationRequest(params);
    if (!validated.ok) return await errorResponse(validated.error, validated.description);
    const authRequest = validated.value;

    const found = await findClient(context, authRequest.clientId);
    client = found.client;
    if (client === undefined) {
      const description = withRefusal(`Client ID '${authRequest.clientId}' not found`, found.refusal);
      return await errorResponse('invalid_request', description, false);
    }

    const resolved = resolveRedirectUri(
      client,
      authRequest.redirectUri,
      context.settings.beyondFastMcp.restrictRedirectUriSchemes,
    );
    if (!resolved.ok) return await errorResponse('invalid_request', resolved.message);
    redirectUri = resolved.value;

    const scopes = checkScopes(client, authRequest.scope);
    if (!scopes.ok) return await errorResponse('invalid_scope', scopes.message);

    if (
      context.settings.beyondFastMcp.audienceBinding &&
      authRequest.resource !== undefined &&
      !isOwnResource(authRequest.resource, context.settings)
    ) {
      return await errorResponse('invalid_target', `Resource '${authRequest.resource}' is not served here`);
    }

    const authParams: AuthorizationParams = {
      state,
      scopes: scopes.value,
      codeChallenge: authRequest.codeChallenge,
      redirectUri,
      redirectUriProvidedExplicitly: authRequest.redirectUri !== undefined,
      resource: authRequest.resource,
    };
    try {
      const location = await provider.authorize(client, authParams);
      return redirectResponse(withIssParameter(location, redirectUri, context.settings), NO_STORE);
    } catch (error) {
      if (error instanceof AuthorizeError) return await errorResponse(error.error, error.errorDescription);
      throw error;
    }
  } catch (error) {
    // Body errors are the router's to answer (413 / 400).
    if (error instanceof BodyTooLargeError || error instanceof BodyParseError) throw error;
    return errorResponse('server_error', 'An unexpected error occurred');
  }
}
