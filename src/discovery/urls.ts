/**
 * Where to look for metadata, in the order the MCP authorization spec prescribes. Pure.
 */

/**
 * Protected-resource metadata candidates (RFC 9728 §3.1): the challenge's `resource_metadata` URL first, then the
 * path-aware well-known URL for the MCP endpoint, then the root one. The root is never tried before the path.
 */
export function resourceMetadataUrls(mcpUrl: URL, challengeUrl?: string): URL[] {
  const urls: URL[] = [];
  if (challengeUrl) {
    try {
      urls.push(new URL(challengeUrl, mcpUrl));
    } catch {
      // An unparseable header value is ignored: the well-known locations still apply.
    }
  }
  const path = mcpUrl.pathname.replace(/\/+$/, '');
  if (path !== '') urls.push(new URL(`/.well-known/oauth-protected-resource${path}`, mcpUrl.origin));
  urls.push(new URL('/.well-known/oauth-protected-resource', mcpUrl.origin));
  return dedupe(urls);
}

/**
 * Authorization-server metadata candidates for an issuer (RFC 8414 §3.1 and OpenID Discovery). With a path `/p`:
 * OAuth path-inserted, OIDC path-inserted, OIDC path-appended (never the root). Without a path: OAuth, then OIDC.
 */
export function authorizationServerMetadataUrls(issuer: URL): URL[] {
  const path = issuer.pathname.replace(/\/+$/, '');
  const origin = issuer.origin;
  if (path === '') {
    return [
      new URL('/.well-known/oauth-authorization-server', origin),
      new URL('/.well-known/openid-configuration', origin),
    ];
  }
  return [
    new URL(`/.well-known/oauth-authorization-server${path}`, origin),
    new URL(`/.well-known/openid-configuration${path}`, origin),
    new URL(`${path}/.well-known/openid-configuration`, origin),
  ];
}

/**
 * The canonical URI of an MCP server (MCP spec, "Canonical Server URI"): lower-case scheme and host, no fragment,
 * no trailing slash for a bare origin. Used as `resource` only when no protected-resource metadata exists.
 */
export function canonicalResourceUri(mcpUrl: URL): string {
  const path = mcpUrl.pathname === '/' ? '' : mcpUrl.pathname;
  return `${mcpUrl.protocol}//${mcpUrl.host}${path}${mcpUrl.search}`;
}

function dedupe(urls: URL[]): URL[] {
  const seen = new Set<string>();
  return urls.filter((url) => {
    if (seen.has(url.href)) return false;
    seen.add(url.href);
    return true;
  });
}
