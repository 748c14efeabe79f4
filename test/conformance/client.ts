/**
 * Conformance client: `npx tsx test/conformance/client.ts <server-url>`.
 *
 * One generic program over the public API only: connect with headless authorization (the suite's authorization
 * server auto-approves), list the tools, call each one with arguments built from its input schema, answer form
 * elicitations with the schema's defaults, exit 0. Any failure exits 1 with the error message. It never looks at
 * the scenario name.
 */
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { createAuthedMcpClient, headlessAuthorize, McpAuthError } from '../../src/index.js';
import type { AuthedMcpClient, AuthedMcpClientOptions } from '../../src/index.js';
import { sampleFormContent, sampleToolArguments } from './schema-sample.js';

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
  if (typeof context.client_id !== 'string') return undefined;
  // Without a secret the pre-registered client is a public one.
  return {
    clientId: context.client_id,
    ...(typeof context.client_secret === 'string' ? { clientSecret: context.client_secret } : {}),
    ...(typeof context.issuer === 'string' ? { issuer: context.issuer } : {}),
  };
}

/** A headless user: accepts every form with its defaults; cannot visit a URL, so declines URL elicitations. */
function answerElicitations(client: AuthedMcpClient): void {
  client.setRequestHandler(ElicitRequestSchema, async (request): Promise<ElicitResult> => {
    if (request.params.mode === 'url') return { action: 'decline' };
    return { action: 'accept', content: sampleFormContent(request.params.requestedSchema) };
  });
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
    // The suite says which revision to speak; 2026-07-28 selects the stateless lifecycle.
    ...(process.env['MCP_CONFORMANCE_PROTOCOL_VERSION']
      ? { protocolVersion: process.env['MCP_CONFORMANCE_PROTOCOL_VERSION'] }
      : {}),
    mcpClientOptions: { capabilities: { elicitation: { form: { applyDefaults: true } } } },
    beforeConnect: answerElicitations,
    onEvent: (event) => {
      if (process.env['MCP_AUTHED_CLIENT_DEBUG'])
        console.error(`[${event.step}] ${event.status}: ${event.message}`);
    },
  });
  try {
    const { tools } = await client.listTools();
    for (const tool of tools) {
      const args = sampleToolArguments(tool.inputSchema);
      if (args === undefined) {
        console.error(`skipping tool ${tool.name}: no value can be built for its required arguments`);
        continue;
      }
      await client.callTool({ name: tool.name, arguments: args });
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
