/**
 * The `McpServer` behind the endpoint, the same for both eras: the built-in tools, then your configurers, then
 * FastMCP's empty prompt and resource lists where nothing else answers them.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import {
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { registerBuiltInTools } from './tools.js';

/** Adds your tools, resources and prompts to the `McpServer` of each new session. */
export type McpServerConfigurer = (server: McpServer) => void;

/** The mock's own version in `serverInfo` (FastMCP reports the Python SDK's). */
export const MOCK_MCP_SERVER_VERSION = '0.1.0';

/** A new server named `name`; `elevatedScope` is read at call time, so a reconfigured mock is honoured. */
export function buildMcpServer(
  name: string,
  elevatedScope: () => string,
  configurers: readonly McpServerConfigurer[],
): McpServer {
  const server = new McpServer({ name, version: MOCK_MCP_SERVER_VERSION });
  registerBuiltInTools(server, elevatedScope);
  for (const configure of configurers) configure(server);
  answerEmptyListsLikeFastMcp(server);
  return server;
}

/**
 * FastMCP answers prompts/list, resources/list and resources/templates/list with empty lists even when it serves
 * none; the SDK's `McpServer` only once one is registered. Fill in what your configurers left unhandled.
 */
function answerEmptyListsLikeFastMcp(server: McpServer): void {
  const lowLevel = server.server;
  const unhandled = (method: string): boolean => {
    try {
      lowLevel.assertCanSetRequestHandler(method);
      return true;
    } catch {
      return false;
    }
  };
  if (unhandled('prompts/list')) {
    lowLevel.registerCapabilities({ prompts: {} });
    lowLevel.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: [] }));
  }
  if (unhandled('resources/list') && unhandled('resources/templates/list')) {
    lowLevel.registerCapabilities({ resources: {} });
    lowLevel.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: [] }));
    lowLevel.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({ resourceTemplates: [] }));
  }
}
