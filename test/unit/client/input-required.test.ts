import { describe, expect, it } from 'vitest';
import { inputRequiredOf, retryParams } from '../../../src/session/input-required.js';

describe('inputRequiredOf', () => {
  it('reads the input requests and the opaque state of an input-required result', () => {
    const result = {
      resultType: 'input_required',
      inputRequests: { confirm: { method: 'elicitation/create', params: { message: 'ok?' } } },
      requestState: '{"nonce":1}',
    };
    expect(inputRequiredOf(result)).toEqual({
      inputRequests: [{ key: 'confirm', method: 'elicitation/create', params: { message: 'ok?' } }],
      requestState: '{"nonce":1}',
    });
  });

  it('treats a result without resultType, or a complete one, as complete', () => {
    expect(inputRequiredOf({ content: [] })).toBeUndefined();
    expect(inputRequiredOf({ resultType: 'complete', content: [] })).toBeUndefined();
    expect(inputRequiredOf(undefined)).toBeUndefined();
  });
});

describe('retryParams', () => {
  it('adds this round’s answers and state to the original params, replacing an earlier round’s', () => {
    const original = { name: 't', arguments: { a: 1 }, inputResponses: { old: {} }, requestState: 'old' };
    expect(retryParams(original, { confirm: { action: 'accept' } }, 'new')).toEqual({
      name: 't',
      arguments: { a: 1 },
      inputResponses: { confirm: { action: 'accept' } },
      requestState: 'new',
    });
  });

  it('sends no requestState when the server gave none, and no empty inputResponses', () => {
    expect(retryParams({ name: 't', requestState: 'old' }, { k: { action: 'decline' } }, undefined)).toEqual({
      name: 't',
      inputResponses: { k: { action: 'decline' } },
    });
    expect(retryParams({ name: 't' }, {}, 's')).toEqual({ name: 't', requestState: 's' });
  });
});
