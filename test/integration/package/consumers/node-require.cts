/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS consumer is what this file is */
/**
 * A CommonJS module using the installed package: TypeScript (`module: nodenext`) compiles these imports to
 * `require()` calls, which Node ≥ 20.19 answers with the ES module (require(esm)). Prints one JSON line.
 */
import client = require('mcp-authed-client');
import mockServer = require('mcp-authed-client/mock-server');
import node = require('mcp-authed-client/node');

const mock = mockServer.createMockAuthServer({ issuerUrl: 'http://localhost:8000' });
console.log(
  JSON.stringify({
    createAuthedMcpClient: typeof client.createAuthedMcpClient,
    issuer: mock.settings.issuerUrl,
    startMockAuthServer: typeof node.startMockAuthServer,
  }),
);
