import { describe, expect, it } from 'vitest';
import { metadataDocumentApplies, preRegisteredAppliesTo } from '../../../src/identity/resolve.js';

describe('preRegisteredAppliesTo', () => {
  it('uses credentials bound to an issuer only at that issuer (exact string)', () => {
    const credentials = { clientId: 'c', issuer: 'https://as.example' };
    expect(preRegisteredAppliesTo(credentials, 'https://as.example', undefined)).toBe(true);
    expect(preRegisteredAppliesTo(credentials, 'https://as.example/', undefined)).toBe(false);
    expect(preRegisteredAppliesTo(credentials, 'https://other.example', undefined)).toBe(false);
  });

  it('binds unbound credentials to the first issuer they were used at', () => {
    const credentials = { clientId: 'c' };
    expect(preRegisteredAppliesTo(credentials, 'https://as.example', undefined)).toBe(true);
    expect(preRegisteredAppliesTo(credentials, 'https://as.example', 'https://as.example')).toBe(true);
    expect(preRegisteredAppliesTo(credentials, 'https://new-as.example', 'https://as.example')).toBe(false);
    expect(preRegisteredAppliesTo(undefined, 'https://as.example', undefined)).toBe(false);
  });
});

describe('metadataDocumentApplies', () => {
  const url = 'https://app.example/client-metadata.json';

  it('needs the server to advertise support and an https URL with a path', () => {
    expect(metadataDocumentApplies({ issuer: 'i', client_id_metadata_document_supported: true }, url)).toBe(
      true,
    );
    expect(metadataDocumentApplies({ issuer: 'i' }, url)).toBe(false);
    expect(metadataDocumentApplies({ issuer: 'i', client_id_metadata_document_supported: 'yes' }, url)).toBe(
      false,
    );
    expect(
      metadataDocumentApplies({ issuer: 'i', client_id_metadata_document_supported: true }, undefined),
    ).toBe(false);
    expect(
      metadataDocumentApplies(
        { issuer: 'i', client_id_metadata_document_supported: true },
        'http://app.example/m.json',
      ),
    ).toBe(false);
    expect(
      metadataDocumentApplies(
        { issuer: 'i', client_id_metadata_document_supported: true },
        'https://app.example',
      ),
    ).toBe(false);
  });
});
