/**
 * Does a protected-resource document describe the MCP server we are talking to? Pure.
 */

/**
 * True when `resource` has the MCP URL's origin and a path equal to the MCP URL's path or a prefix of it on a
 * segment boundary (a root document whose resource is the bare origin qualifies).
 */
export function resourceMatchesServer(resource: string, mcpUrl: URL): boolean {
  let parsed: URL;
  try {
    parsed = new URL(resource);
  } catch {
    return false;
  }
  if (parsed.origin !== mcpUrl.origin || parsed.hash !== '') return false;
  const resourcePath = parsed.pathname.replace(/\/+$/, '');
  const serverPath = mcpUrl.pathname.replace(/\/+$/, '');
  return resourcePath === '' || serverPath === resourcePath || serverPath.startsWith(`${resourcePath}/`);
}
