/**
 * Conformance client: `npx tsx test/conformance/client.ts <server-url>`.
 *
 * One generic program over the public API only: connect as the client the scenario's context describes (a machine
 * client — client credentials, a workload JWT, an enterprise IdP's ID token — or one with a user, authorized
 * headlessly: the suite's authorization server auto-approves), list the tools, call each one — with the arguments the scenario's context gives for it
 * (`toolCalls`), else with arguments built from its input schema; a tool that asks back for a schema (an object
 * argument whose description names another listed tool) gets that tool's input schema as listed, to show it was
 * kept as the server wrote it — then read every resource and get every prompt the server offers, answer form
 * elicitations with the schema's defaults, exit 0. Any failure exits 1 with the error message. It never looks at
 * the scenario name.
 */
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ErrorCode,
  ListRootsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import type { ElicitResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { createAuthedMcpClient, headlessAuthorize, McpAuthError } from '../../src/index.js';
import type { AuthedMcpClient, AuthedMcpClientOptions } from '../../src/index.js';
import { sampleFormContent, sampleToolArguments } from './schema-sample.js';

const CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';

interface ConformanceContext {
  client_id?: unknown;
  client_secret?: unknown;
  private_key_pem?: unknown;
  signing_algorithm?: unknown;
  issuer?: unknown;
  valid_jwt?: unknown;
  idp_id_token?: unknown;
  idp_client_id?: unknown;
  idp_issuer?: unknown;
  idp_token_endpoint?: unknown;
  toolCalls?: unknown;
}

function parseContext(raw: string | undefined): ConformanceContext {
  if (!raw) return {};
  try {
    const context: unknown = JSON.parse(raw);
    return context !== null && typeof context === 'object' ? (context as ConformanceContext) : {};
  } catch {
    throw new Error('MCP_CONFORMANCE_CONTEXT is not JSON');
  }
}

/** The arguments the scenario asks for, by tool name. */
function toolCallsFromContext(context: ConformanceContext): Map<string, Record<string, unknown>> {
  const calls = new Map<string, Record<string, unknown>>();
  if (!Array.isArray(context.toolCalls)) return calls;
  for (const call of context.toolCalls as unknown[]) {
    const { name, arguments: args } = (call ?? {}) as { name?: unknown; arguments?: unknown };
    if (typeof name === 'string' && args !== null && typeof args === 'object' && !Array.isArray(args)) {
      calls.set(name, args as Record<string, unknown>);
    }
  }
  return calls;
}

/**
 * For a tool whose one required argument is an object described as another listed tool's schema: that argument,
 * holding the other tool's `inputSchema` exactly as the client listed it.
 */
function schemaEchoArguments(tool: Tool, tools: readonly Tool[]): Record<string, unknown> | undefined {
  const { properties, required } = tool.inputSchema;
  if (!properties || required?.length !== 1) return undefined;
  const [argument] = required;
  const property = argument === undefined ? undefined : (properties[argument] as Record<string, unknown>);
  if (property?.['type'] !== 'object' || typeof property['description'] !== 'string') return undefined;
  const description = property['description'];
  const named = tools.find((other) => other !== tool && description.includes(other.name));
  return named && argument !== undefined ? { [argument]: named.inputSchema } : undefined;
}

function credentialsFromContext(context: ConformanceContext): AuthedMcpClientOptions['credentials'] {
  if (typeof context.client_id !== 'string') return undefined;
  // Without a secret the pre-registered client is a public one.
  return {
    clientId: context.client_id,
    ...(typeof context.client_secret === 'string' ? { clientSecret: context.client_secret } : {}),
    ...(typeof context.issuer === 'string' ? { issuer: context.issuer } : {}),
  };
}

/** A private key in the context makes the client a machine client (`private_key_jwt`, client_credentials). */
function clientCredentialsFromContext(
  context: ConformanceContext,
): AuthedMcpClientOptions['clientCredentials'] {
  if (typeof context.client_id !== 'string' || typeof context.private_key_pem !== 'string') return undefined;
  return {
    clientId: context.client_id,
    privateKey: context.private_key_pem,
    algorithm: context.signing_algorithm === 'RS256' ? 'RS256' : 'ES256',
  };
}

/** A workload JWT in the context makes the client a workload (the JWT bearer grant with that assertion). */
function workloadIdentityFromContext(
  context: ConformanceContext,
): AuthedMcpClientOptions['workloadIdentity'] {
  if (typeof context.client_id !== 'string' || typeof context.valid_jwt !== 'string') return undefined;
  return { clientId: context.client_id, assertion: context.valid_jwt };
}

/**
 * An identity provider's ID token in the context makes the client an enterprise-managed one: the ID token is
 * exchanged at that IdP for an identity assertion, which the client redeems as its client at the MCP server's.
 */
function enterpriseFromContext(
  context: ConformanceContext,
): AuthedMcpClientOptions['enterpriseAuthorization'] {
  const { idp_id_token: idToken, idp_client_id: idpClientId, client_id: clientId } = context;
  if (typeof idToken !== 'string' || typeof idpClientId !== 'string' || typeof clientId !== 'string') {
    return undefined;
  }
  return {
    idToken,
    identityProvider: {
      clientId: idpClientId,
      ...(typeof context.idp_issuer === 'string' ? { issuer: context.idp_issuer } : {}),
      ...(typeof context.idp_token_endpoint === 'string'
        ? { tokenEndpoint: context.idp_token_endpoint }
        : {}),
    },
    client: {
      clientId,
      ...(typeof context.client_secret === 'string' ? { clientSecret: context.client_secret } : {}),
    },
  };
}

/** The client the context describes: a machine client of one of the three kinds, or a client with a user. */
function clientFromContext(context: ConformanceContext): AuthedMcpClientOptions {
  const clientCredentials = clientCredentialsFromContext(context);
  if (clientCredentials) return { clientCredentials };
  const workloadIdentity = workloadIdentityFromContext(context);
  if (workloadIdentity) return { workloadIdentity };
  const enterpriseAuthorization = enterpriseFromContext(context);
  if (enterpriseAuthorization) return { enterpriseAuthorization };
  const credentials = credentialsFromContext(context);
  return { clientMetadataUrl: CLIENT_METADATA_URL, ...(credentials ? { credentials } : {}) };
}

/**
 * A headless user: accepts every form with its defaults; cannot visit a URL, so declines URL elicitations. It
 * shares no roots (an empty list) and has no model: a sampling request is refused with an error.
 */
function answerServerRequests(client: AuthedMcpClient): void {
  client.setRequestHandler(ElicitRequestSchema, async (request): Promise<ElicitResult> => {
    if (request.params.mode === 'url') return { action: 'decline' };
    return { action: 'accept', content: sampleFormContent(request.params.requestedSchema) };
  });
  client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [] }));
  client.setRequestHandler(CreateMessageRequestSchema, async () => {
    throw new McpError(ErrorCode.InvalidRequest, 'the conformance client has no model to sample from');
  });
}

async function main(): Promise<void> {
  const serverUrl = process.argv[process.argv.length - 1];
  if (!serverUrl || !/^https?:\/\//.test(serverUrl)) throw new Error('usage: client.ts <server-url>');
  const context = parseContext(process.env['MCP_CONFORMANCE_CONTEXT']);
  const toolCalls = toolCallsFromContext(context);
  const client = await createAuthedMcpClient(serverUrl, {
    clientMetadata: { name: 'mcp-authed-client conformance', redirectUri: 'http://127.0.0.1/callback' },
    ...clientFromContext(context),
    authorize: headlessAuthorize(),
    // Bind tokens to a key wherever the authorization server offers DPoP (RFC 9449).
    dpop: 'auto',
    // The suite says which revision to speak; 2026-07-28 selects the stateless lifecycle.
    ...(process.env['MCP_CONFORMANCE_PROTOCOL_VERSION']
      ? { protocolVersion: process.env['MCP_CONFORMANCE_PROTOCOL_VERSION'] }
      : {}),
    mcpClientOptions: {
      capabilities: { elicitation: { form: { applyDefaults: true } }, roots: {}, sampling: {} },
    },
    beforeConnect: answerServerRequests,
    onEvent: (event) => {
      if (process.env['MCP_AUTHED_CLIENT_DEBUG'])
        console.error(`[${event.step}] ${event.status}: ${event.message}`);
    },
  });
  try {
    const { tools } = await client.listTools();
    for (const tool of tools) {
      const args =
        toolCalls.get(tool.name) ?? schemaEchoArguments(tool, tools) ?? sampleToolArguments(tool.inputSchema);
      if (args === undefined) {
        console.error(`skipping tool ${tool.name}: no value can be built for its required arguments`);
        continue;
      }
      await answered(`tool ${tool.name}`, () => client.callTool({ name: tool.name, arguments: args }));
    }
    const capabilities = client.getServerCapabilities();
    if (capabilities?.resources) {
      const { resources } = await client.listResources();
      for (const resource of resources) {
        await answered(`resource ${resource.uri}`, () => client.readResource({ uri: resource.uri }));
      }
    }
    if (capabilities?.prompts) {
      const { prompts } = await client.listPrompts();
      for (const prompt of prompts) {
        const args = Object.fromEntries(
          (prompt.arguments ?? []).filter((a) => a.required).map((a) => [a.name, 'sample']),
        );
        await answered(`prompt ${prompt.name}`, () =>
          client.getPrompt({ name: prompt.name, arguments: args }),
        );
      }
    }
  } finally {
    await client.close();
  }
}

/**
 * Runs one call; a JSON-RPC error answer is the server's word on that call (a scenario server may implement only
 * what its checks need), so it is reported and the run goes on. Anything else (transport, authorization) fails it.
 */
async function answered(what: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof McpError)) throw error;
    console.error(`${what}: the server answered with error ${error.code}: ${error.message}`);
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
