/**
 * Workload identity federation (the MCP extension, SEP-1933): a workload — a CI job, a pod, a cloud function — holds
 * a JWT its platform issued, and presents it as a JWT bearer grant (RFC 7523 §2.1) at the MCP authorization server,
 * which trusts that platform. No user, no secret of its own. The option, its validation, and the machine client it
 * makes.
 */
import { McpAuthError } from '../errors.js';
import { jwtBearerGrant } from '../tokens/jwt-bearer-grant.js';
import { freshValue, isFreshValue } from './machine-client.js';
import type { FreshValue, MachineClient } from './machine-client.js';

/** The `workloadIdentity` option. */
export interface WorkloadIdentity {
  /** The client id the authorization server knows the workload by (sent as `client_id`). */
  clientId: string;
  /**
   * The workload's JWT, whose `aud` is the authorization server: a string, or a callback that returns a fresh one.
   * The callback is called for every token request, renewals included; a string is sent again as it is, which a
   * server that refuses a replayed or expired assertion will refuse (the error is thrown, nothing is retried).
   */
  assertion: FreshValue;
  /**
   * The issuer of the authorization server the assertion is meant for: it goes to no other. Without it, the first
   * authorization server this client meets is the only one it talks to afterwards.
   */
  issuer?: string | undefined;
}

function invalid(message: string): McpAuthError {
  return new McpAuthError({ code: 'invalid_option', step: 'connection', message });
}

/** What is wrong with a `workloadIdentity` option, as the `invalid_option` error to throw; undefined when fine. */
export function workloadIdentityProblem(value: unknown): McpAuthError | undefined {
  if (typeof value !== 'object' || value === null) {
    return invalid('workloadIdentity must be { clientId, assertion }');
  }
  const given = value as Record<string, unknown>;
  if (typeof given['clientId'] !== 'string' || given['clientId'] === '') {
    return invalid('workloadIdentity.clientId must be a non-empty string');
  }
  if (!isFreshValue(given['assertion'])) {
    return invalid('workloadIdentity.assertion must be a JWT string or a function returning one');
  }
  if (
    given['issuer'] !== undefined &&
    (typeof given['issuer'] !== 'string' || !URL.canParse(given['issuer']))
  ) {
    return invalid('workloadIdentity.issuer must be the absolute URL of the authorization server');
  }
  return undefined;
}

/** The machine client of a validated `workloadIdentity` option. */
export function workloadClient(workload: WorkloadIdentity, redirectUri: string): MachineClient {
  const { clientId } = workload;
  return {
    clientId,
    ...(workload.issuer === undefined ? {} : { issuer: workload.issuer }),
    grant: 'jwt-bearer',
    option: 'workloadIdentity',
    // The assertion is the grant; the client authenticates with nothing but its id.
    identityAt: async (issuer) => ({
      issuer,
      clientId,
      tokenEndpointAuthMethod: 'none',
      redirectUri,
      source: 'pre-registered',
    }),
    requestTokens: async (ctx, events, request) =>
      jwtBearerGrant(ctx, events, {
        ...request,
        assertion: await freshValue(workload.assertion, 'workloadIdentity.assertion', ctx.secrets),
        assertionKind: 'workload identity',
      }),
  };
}
