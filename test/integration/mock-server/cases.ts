/**
 * The behaviour table of the mock authorization server: every route, status code and error string of FastMCP's auth
 * server (Python MCP SDK v1.x, `mcp.server.auth`), as read from its source. A runner supplies `{ fetch, baseUrl }`
 * and the settings factory gets the base URL, so the same cases run in-process and over real HTTP.
 */
import { authorizeCases } from './cases-authorize.js';
import { consentCases } from './cases-consent.js';
import { expiryCases } from './cases-expiry.js';
import { registerRevokeCases } from './cases-register-revoke.js';
import { robustnessCases } from './cases-robustness.js';
import { routingCases } from './cases-routing.js';
import { tokenCases } from './cases-token.js';
import type { AuthServerCase } from './helpers.js';

export type { AuthServerCase, CaseContext } from './helpers.js';

export const authServerCases: readonly AuthServerCase[] = [
  ...routingCases,
  ...authorizeCases,
  ...tokenCases,
  ...registerRevokeCases,
  ...consentCases,
  ...expiryCases,
  ...robustnessCases,
];
