import { createMockAuthServer } from 'mcp-authed-client/mock-server';

const mock = createMockAuthServer({ issuerUrl: 'http://localhost:8000' });
mock.control.failNext('token', { status: 503, error: 'temporarily_unavailable', times: 2 }); // or delayNext(target, ms)
mock.control.clock.advance(3600); // codes, tokens and secrets expire without waiting
mock.control.expireAllTokens(); // or revokeAllTokens('refresh')
mock.control.usePreset('iss-wrong'); // or reconfigure({ requiredScopes: ['read'] }); state is kept
mock.control.requests(); // [{ method, path, endpoint, query, form, status, … }] with secrets redacted
mock.control.reset(); // initial settings, empty state
