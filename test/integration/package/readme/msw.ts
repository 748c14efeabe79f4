import { setupServer } from 'msw/node';
import { createMockAuthServer } from 'mcp-authed-client/mock-server';
import { createMswHandlers } from 'mcp-authed-client/msw';

const mock = createMockAuthServer({ issuerUrl: 'http://localhost:8000' });
const server = setupServer(...createMswHandlers(mock)); // only the mock's origins and routes are intercepted
server.listen();

// Answered in-process by the mock: nothing listens on port 8000.
const metadata = await fetch('http://localhost:8000/.well-known/oauth-authorization-server');
console.log((await metadata.json()).issuer);
server.close();
