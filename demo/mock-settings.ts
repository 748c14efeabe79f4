/**
 * The demo's server, the same wherever the mock runs (Vite dev server or, in the static build, the page's service
 * worker): FastMCP with every beyond-FastMCP check on, a consent page, and scopes to step up to.
 */
import type { MockAuthServerSettings } from '../mock-server/index.js';

export function demoMockSettings(origin: string): MockAuthServerSettings {
  return {
    issuerUrl: origin,
    resourceServerUrl: `${origin}/mcp`,
    spec: 'latest',
    approval: 'consent',
    requiredScopes: ['read'],
    clientRegistrationOptions: { enabled: true, validScopes: ['read', 'write', 'admin'] },
    revocationOptions: { enabled: true },
  };
}

/** Where the mock's HTTP control API is served (the page drives presets, clock and faults through it). */
export const CONTROL_PATH = '/__mock';
