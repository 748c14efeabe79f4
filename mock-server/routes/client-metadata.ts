/**
 * pydantic's `OAuthClientMetadata` (RFC 7591 §2 as FastMCP models it): the errors it reports, the fields it keeps,
 * URLs normalised; unknown fields dropped.
 */
import { parseUrl, urlError } from '../http/url.js';
import { isRecord } from '../objects.js';
import { CLIENT_AUTH_METHODS, GRANT_TYPES, type ClientAuthMethod } from '../settings.js';
import { FIELD_REQUIRED, INVALID_STRING, literalMessage, type FieldError } from './validation.js';

export interface ClientMetadata {
  /** `undefined` for `redirect_uris: null`, which FastMCP's model accepts (such a client can never authorize). */
  redirect_uris: string[] | undefined;
  token_endpoint_auth_method: ClientAuthMethod | undefined;
  grant_types: string[];
  response_types: string[];
  scope: string | undefined;
  client_name: string | undefined;
  client_uri: string | undefined;
  logo_uri: string | undefined;
  contacts: string[] | undefined;
  tos_uri: string | undefined;
  policy_uri: string | undefined;
  jwks_uri: string | undefined;
  jwks: unknown;
  software_id: string | undefined;
  software_version: string | undefined;
}

export type ValidatedMetadata = { ok: true; value: ClientMetadata } | { ok: false; errors: FieldError[] };

/** The grant types FastMCP's model names, and how pydantic labels that member of the union. */
const GRANT_TYPE_NAMES = [
  'authorization_code',
  'refresh_token',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
];
const GRANT_TYPE_LITERAL = `literal[${GRANT_TYPE_NAMES.map((name) => `'${name}'`).join(',')}]`;

type HttpUrlField = 'client_uri' | 'logo_uri' | 'tos_uri' | 'policy_uri' | 'jwks_uri';

export function validateClientMetadata(input: unknown): ValidatedMetadata {
  if (!isRecord(input)) {
    return {
      ok: false,
      errors: [
        {
          loc: '',
          msg: 'Input should be a valid dictionary or instance of OAuthClientMetadata',
          type: 'other',
        },
      ],
    };
  }
  const body = input;
  const errors: FieldError[] = [];
  const fail = (loc: string, msg: string): undefined => {
    errors.push({ loc, msg, type: msg === FIELD_REQUIRED ? 'missing' : 'other' });
    return undefined;
  };
  const has = (key: string): boolean => Object.hasOwn(body, key) && body[key] !== undefined;

  const optionalString = (key: string): string | undefined => {
    const value = body[key];
    if (!has(key) || value === null) return undefined;
    return typeof value === 'string' ? value : fail(key, INVALID_STRING);
  };
  const stringList = (key: string, fallback: string[] | undefined): string[] | undefined => {
    const value = body[key];
    if (!has(key) || (value === null && fallback === undefined)) return fallback;
    if (!Array.isArray(value)) return fail(key, 'Input should be a valid list');
    const before = errors.length;
    value.forEach((item: unknown, index) => {
      if (typeof item === 'string') return;
      // pydantic reports each member of grant_types' union `Literal[…] | str`.
      if (key === 'grant_types')
        fail(`${key}.${index}.${GRANT_TYPE_LITERAL}`, literalMessage(GRANT_TYPE_NAMES));
      fail(`${key}.${index}${key === 'grant_types' ? '.str' : ''}`, INVALID_STRING);
    });
    return errors.length === before ? (value as string[]) : undefined;
  };
  const url = (loc: string, value: unknown, httpOnly: boolean): string | undefined => {
    if (typeof value !== 'string') return fail(loc, 'URL input should be a string or URL');
    const parsed = parseUrl(value);
    if (parsed === undefined)
      return fail(loc, `Input should be a valid URL, ${urlError(value) ?? 'input is empty'}`);
    if (httpOnly && parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return fail(loc, "URL scheme should be 'http' or 'https'");
    }
    return parsed.href;
  };

  let redirectUris: string[] | undefined = [];
  if (!has('redirect_uris')) fail('redirect_uris', FIELD_REQUIRED);
  else if (body['redirect_uris'] === null) redirectUris = undefined;
  else if (!Array.isArray(body['redirect_uris'])) fail('redirect_uris', 'Input should be a valid list');
  else {
    const items = body['redirect_uris'] as unknown[];
    redirectUris = items.map((item, index) => url(`redirect_uris.${index}`, item, false) ?? '');
    if (items.length === 0) fail('redirect_uris', 'List should have at least 1 item after validation, not 0');
  }

  let method: ClientAuthMethod | undefined;
  const rawMethod = body['token_endpoint_auth_method'];
  if (has('token_endpoint_auth_method') && rawMethod !== null) {
    if (CLIENT_AUTH_METHODS.includes(rawMethod as ClientAuthMethod)) {
      method = rawMethod as ClientAuthMethod;
    } else fail('token_endpoint_auth_method', literalMessage(CLIENT_AUTH_METHODS));
  }
  const grantTypes = stringList('grant_types', [...GRANT_TYPES]) ?? [];
  const responseTypes = stringList('response_types', ['code']) ?? [];
  const scope = optionalString('scope');
  const clientName = optionalString('client_name');
  const urls: Partial<Record<HttpUrlField, string>> = {};
  const checkHttpUrl = (key: HttpUrlField): void => {
    // "" counts as absent: some servers echo omitted metadata back as "" (FastMCP's model does the same).
    if (!has(key) || body[key] === null || body[key] === '') return;
    const value = url(key, body[key], true);
    if (value !== undefined) urls[key] = value;
  };
  checkHttpUrl('client_uri');
  checkHttpUrl('logo_uri');
  const contacts = stringList('contacts', undefined);
  checkHttpUrl('tos_uri');
  checkHttpUrl('policy_uri');
  checkHttpUrl('jwks_uri');
  const jwks = body['jwks'] ?? undefined;
  const softwareId = optionalString('software_id');
  const softwareVersion = optionalString('software_version');

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      redirect_uris: redirectUris,
      token_endpoint_auth_method: method,
      grant_types: grantTypes,
      response_types: responseTypes,
      scope,
      client_name: clientName,
      client_uri: urls.client_uri,
      logo_uri: urls.logo_uri,
      contacts,
      tos_uri: urls.tos_uri,
      policy_uri: urls.policy_uri,
      jwks_uri: urls.jwks_uri,
      jwks,
      software_id: softwareId,
      software_version: softwareVersion,
    },
  };
}
