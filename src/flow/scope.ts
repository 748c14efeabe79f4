/**
 * Which scopes to request. Pure.
 */

/** Inputs of scope selection. */
export interface ScopeInput {
  /** `scope` of the 401/403 challenge. */
  challengeScope?: string | undefined;
  /** `scopes_supported` of the protected-resource metadata. */
  resourceScopesSupported?: readonly string[] | undefined;
  /** `scopes_supported` of the authorization-server metadata. */
  authorizationServerScopesSupported?: readonly string[] | undefined;
  /** Extra scopes the application asked for. */
  extraScopes?: readonly string[] | undefined;
  /** Scopes already requested for this grant (step-up asks for their union with the new ones). */
  heldScopes?: readonly string[] | undefined;
}

/**
 * The challenge's scope; else every `scopes_supported` of the resource; else nothing. Plus the application's
 * extras and (for step-up) what is already held. `offline_access` is added only when the authorization server
 * lists it, and only alongside other scopes so that it never narrows an otherwise unscoped request.
 * Returns an empty list when `scope` should be omitted.
 */
export function selectScopes(input: ScopeInput): string[] {
  const base = input.challengeScope
    ? splitScope(input.challengeScope)
    : input.resourceScopesSupported && input.resourceScopesSupported.length > 0
      ? [...input.resourceScopesSupported]
      : [];
  const scopes = union(input.heldScopes ?? [], base, input.extraScopes ?? []);
  const withoutOffline = scopes.filter((scope) => scope !== 'offline_access');
  const offlineSupported = input.authorizationServerScopesSupported?.includes('offline_access') === true;
  if (offlineSupported && withoutOffline.length > 0) withoutOffline.push('offline_access');
  return withoutOffline;
}

/** Order-preserving union of scope lists. */
export function union(...lists: ReadonlyArray<readonly string[]>): string[] {
  const seen = new Set<string>();
  for (const list of lists) for (const scope of list) if (scope) seen.add(scope);
  return [...seen];
}

/** Splits a space-delimited scope string (RFC 6749 §3.3). */
export function splitScope(scope: string | undefined): string[] {
  return scope ? scope.split(/\s+/).filter((s) => s.length > 0) : [];
}
