/**
 * Conformance client: `npx tsx test/conformance/client.ts <server-url>`.
 *
 * One generic program over the public API only: connect with headless authorization (the suite's authorization
 * server auto-approves), list the tools, call every tool that needs no arguments, exit 0. Any failure exits 1
 * with the error message. It never looks at the scenario name.
 */
import { createAuthedMcpClient, headlessAuthorize, McpAuthError } from '../../src/index.js';
import type { AuthedMcpClientOptions } from '../../src/index.js';

const CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';

interface ConformanceContext {
  client_id?: unknown;
  client_secret?: unknown;
  issuer?: unknown;
}

function credentialsFromContext(raw: string | undefined): AuthedMcpClientOptions['credentials'] {
  if (!raw) return undefined;
  let context: ConformanceContext;
  try {
    context = JSON.parse(raw) as ConformanceContext;
  } catch {
    throw new Error('MCP_CONFORMANCE_CONTEXT is not JSON');
  }
  if (typeof context.client_id !== 'string' || typeof context.client_secret !== 'string') return undefined;
  return {
    clientId: context.client_id,
    clientSecret: context.client_secret,
    ...(typeof context.issuer === 'string' ? { issuer: context.issuer } : {}),
  };
}

function needsNoArguments(inputSchema: { required?: unknown } | undefined): boolean {
  return !Array.isArray(inputSchema?.required) || inputSchema.required.length === 0;
}

async function main(): Promise<void> {
  const serverUrl = process.argv[process.argv.length - 1];
  if (!serverUrl || !/^https?:\/\//.test(serverUrl)) throw new Error('usage: client.ts <server-url>');
  const credentials = credentialsFromContext(process.env['MCP_CONFORMANCE_CONTEXT']);
  const client = await createAuthedMcpClient(serverUrl, {
    clientMetadata: { name: 'mcp-authed-client conformance', redirectUri: 'http://127.0.0.1/callback' },
    clientMetadataUrl: CLIENT_METADATA_URL,
    ...(credentials ? { credentials } : {}),
    authorize: headlessAuthorize(),
    onEvent: (event) => {
      if (process.env['MCP_AUTHED_CLIENT_DEBUG'])
        console.error(`[${event.step}] ${event.status}: ${event.message}`);
    },
  });
  try {
    const { tools } = await client.listTools();
    for (const tool of tools) {
      if (!needsNoArguments(tool.inputSchema)) continue;
      await client.callTool({ name: tool.name, arguments: {} });
    }
  } finally {
    await client.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    const code = error instanceof McpAuthError ? ` [${error.step}/${error.code}]` : '';
    console.error(
      `conformance client failed${code}: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  },
);
