/**
 * The "Client identity" controls: dynamic registration (the default), a pre-registered client, or a Client ID
 * Metadata Document URL — read into the options the library takes (`credentials`, `clientMetadataUrl`).
 */
import type { TokenEndpointAuthMethod } from 'mcp-authed-client';
import {
  DEMO_CLIENT_METADATA_URL,
  DEMO_CONFIDENTIAL_CLIENT_ID,
  DEMO_CONFIDENTIAL_CLIENT_SECRET,
  DEMO_PUBLIC_CLIENT_ID,
  demoClientMetadataDocument,
} from './mock-settings.js';
import { setText } from './view/dom.js';
import type { IdentityChoice } from './walkthrough.js';

export type IdentityMode = 'dynamic' | 'pre-registered' | 'metadata-document';

/** Where the page runs, for the suggestions and the notes. */
export interface IdentityContext {
  /** The server is the embedded mock (whose pre-registered clients and document the page knows). */
  readonly embeddedMock: boolean;
  readonly redirectUri: string;
}

const AUTH_METHODS: readonly TokenEndpointAuthMethod[] = [
  'client_secret_basic',
  'client_secret_post',
  'none',
];

const field = <T extends HTMLElement>(form: HTMLFormElement, id: string): T => {
  const element = form.querySelector<T>(`#${id}`);
  if (!element) throw new Error(`the form has no #${id}`);
  return element;
};

export function identityMode(form: HTMLFormElement): IdentityMode {
  const value = form.querySelector<HTMLInputElement>('input[name="identity"]:checked')?.value;
  return value === 'pre-registered' || value === 'metadata-document' ? value : 'dynamic';
}

/** Shows the chosen mode's fields; the others are disabled too, so their `required` does not block a run. */
export function showIdentityFields(form: HTMLFormElement, context: IdentityContext): void {
  const mode = identityMode(form);
  for (const name of ['pre-registered', 'metadata-document'] as const) {
    const fields = field<HTMLFieldSetElement>(form, `identity-${name}`);
    fields.hidden = mode !== name;
    fields.disabled = mode !== name;
  }
  setText(field(form, 'identity-note'), identityNote(mode, context));
}

function identityNote(mode: IdentityMode, { embeddedMock, redirectUri }: IdentityContext): string {
  switch (mode) {
    case 'dynamic':
      return 'The client registers itself at the server’s registration endpoint (RFC 7591), when it has one.';
    case 'pre-registered':
      return embeddedMock
        ? `The embedded mock knows ${DEMO_PUBLIC_CLIENT_ID} (public) and ${DEMO_CONFIDENTIAL_CLIENT_ID}, secret ${DEMO_CONFIDENTIAL_CLIENT_SECRET} (client_secret_basic). The secret is kept in memory only.`
        : `A client the server’s operator registered for this page’s redirect URI, ${redirectUri}. The secret is kept in memory only.`;
    case 'metadata-document':
      return embeddedMock
        ? 'A document URL must be https on a public host, which this page is not: the embedded mock is handed the demo’s document for the URL above instead of fetching it (the cimd-only variant accepts it).'
        : `An https URL serving your client’s document: its client_id must be that URL and its redirect_uris must include ${redirectUri}.`;
  }
}

/** Fills in the embedded mock's demo values where the fields are empty or still hold a demo value. */
export function suggestIdentity(form: HTMLFormElement, context: IdentityContext): void {
  const clientId = field<HTMLInputElement>(form, 'client-id');
  const documentUrl = field<HTMLInputElement>(form, 'cimd-url');
  const demoIds = ['', DEMO_PUBLIC_CLIENT_ID, DEMO_CONFIDENTIAL_CLIENT_ID];
  if (demoIds.includes(clientId.value)) clientId.value = context.embeddedMock ? DEMO_PUBLIC_CLIENT_ID : '';
  if (['', DEMO_CLIENT_METADATA_URL].includes(documentUrl.value))
    documentUrl.value = context.embeddedMock ? DEMO_CLIENT_METADATA_URL : '';
  showIdentityFields(form, context);
}

/** The identity options of the next run, from the form. */
export function readIdentity(form: HTMLFormElement, context: IdentityContext): IdentityChoice {
  switch (identityMode(form)) {
    case 'dynamic':
      return {};
    case 'pre-registered': {
      const clientId = field<HTMLInputElement>(form, 'client-id').value.trim();
      const clientSecret = field<HTMLInputElement>(form, 'client-secret').value;
      const method = field<HTMLSelectElement>(form, 'auth-method').value;
      const tokenEndpointAuthMethod = AUTH_METHODS.find((known) => known === method);
      return {
        credentials: {
          clientId,
          ...(clientSecret ? { clientSecret } : {}),
          ...(tokenEndpointAuthMethod ? { tokenEndpointAuthMethod } : {}),
        },
      };
    }
    case 'metadata-document': {
      const clientMetadataUrl = field<HTMLInputElement>(form, 'cimd-url').value.trim();
      const known = context.embeddedMock && clientMetadataUrl === DEMO_CLIENT_METADATA_URL;
      return {
        clientMetadataUrl,
        ...(known
          ? { document: JSON.stringify(demoClientMetadataDocument(context.redirectUri), null, 2) }
          : {}),
      };
    }
  }
}
