import { describe, expect, it } from 'vitest';
import {
  basicAuthorization,
  registrationAuthMethod,
  selectTokenEndpointAuthMethod,
} from '../../../src/flow/token-endpoint-auth.js';

describe('selectTokenEndpointAuthMethod', () => {
  it('uses the registered method when the server supports it', () => {
    expect(
      selectTokenEndpointAuthMethod({
        registered: 'client_secret_post',
        supported: ['client_secret_basic', 'client_secret_post'],
        hasSecret: true,
      }),
    ).toBe('client_secret_post');
    expect(selectTokenEndpointAuthMethod({ registered: 'none', supported: ['none'], hasSecret: false })).toBe(
      'none',
    );
  });

  it('prefers basic, then post, among supported methods otherwise', () => {
    expect(
      selectTokenEndpointAuthMethod({
        supported: ['client_secret_post', 'client_secret_basic'],
        hasSecret: true,
      }),
    ).toBe('client_secret_basic');
    expect(
      selectTokenEndpointAuthMethod({ supported: ['none', 'client_secret_post'], hasSecret: true }),
    ).toBe('client_secret_post');
    expect(
      selectTokenEndpointAuthMethod({
        registered: 'private_key_jwt',
        supported: ['client_secret_post'],
        hasSecret: true,
      }),
    ).toBe('client_secret_post');
  });

  it('falls back to the RFC 8414 default (basic) when the server lists nothing', () => {
    expect(selectTokenEndpointAuthMethod({ hasSecret: true })).toBe('client_secret_basic');
    expect(selectTokenEndpointAuthMethod({ supported: [], hasSecret: true })).toBe('client_secret_basic');
  });

  it('uses none without a secret', () => {
    expect(selectTokenEndpointAuthMethod({ supported: ['client_secret_basic'], hasSecret: false })).toBe(
      'none',
    );
  });
});

describe('registrationAuthMethod', () => {
  it('asks for a public client when possible, else the best secret method', () => {
    expect(registrationAuthMethod(['client_secret_basic', 'none'])).toBe('none');
    expect(registrationAuthMethod(['client_secret_basic', 'client_secret_post'])).toBe('client_secret_post');
    expect(registrationAuthMethod(['client_secret_basic'])).toBe('client_secret_basic');
    expect(registrationAuthMethod(undefined)).toBe('client_secret_basic');
  });
});

describe('basicAuthorization', () => {
  const decode = (header: string) => atob(header.replace(/^Basic /, ''));

  it('form-urlencodes id and secret before base64 (RFC 6749 §2.3.1)', () => {
    expect(decode(basicAuthorization('my:client', 'sec ret/+%é'))).toBe(
      'my%3Aclient:sec%20ret%2F%2B%25%C3%A9',
    );
  });

  it('leaves unreserved characters such as "-" untouched', () => {
    expect(decode(basicAuthorization('pre-registered-client', 'a.b_c*~'))).toBe(
      'pre-registered-client:a.b_c*~',
    );
  });
});
