import { describe, expect, it } from 'vitest';
import { documentUrlProblem, isPublicIpv4, isPublicIpv6 } from '../../../mock-server/cimd/ssrf.js';

describe('Client ID Metadata Document URL rules (SSRF)', () => {
  it('accepts an https URL with a path on a public host', () => {
    expect(documentUrlProblem('https://app.example.com/client.json')).toBeUndefined();
    expect(documentUrlProblem('https://93.184.215.14/client.json')).toBeUndefined();
    expect(documentUrlProblem('https://[2606:4700::1111]/client.json')).toBeUndefined();
  });

  it.each([
    ['http://app.example.com/client.json', 'must use https'],
    ['https://app.example.com/', 'must have a path'],
    ['https://user:pw@app.example.com/c.json', 'must not contain credentials'],
    ['https://app.example.com/c.json#x', 'must not have a fragment'],
    ['https://localhost/c.json', 'must not name a local host'],
    ['https://printer.local/c.json', 'must not name a local host'],
    ['https://intranet/c.json', 'must be a fully qualified domain name'],
    ['https://127.0.0.1/c.json', 'must not be a private address'],
    ['https://10.1.2.3/c.json', 'must not be a private address'],
    ['https://172.20.0.1/c.json', 'must not be a private address'],
    ['https://192.168.1.1/c.json', 'must not be a private address'],
    ['https://169.254.169.254/latest/meta-data', 'must not be a private address'],
    ['https://[::1]/c.json', 'must not be a private address'],
    ['https://[fe80::1]/c.json', 'must not be a private address'],
    ['https://[fd00::1]/c.json', 'must not be a private address'],
    ['https://[::ffff:127.0.0.1]/c.json', 'must not be a private address'],
    ['https://2130706433/c.json', 'must not be a private address'],
    ['https://0x7f.0.0.1/c.json', 'must not be a private address'],
    ['not a url', 'is not an absolute URL'],
  ])('refuses %s (%s)', (url, problem) => {
    expect(documentUrlProblem(url)).toBe(problem);
  });

  it('classifies addresses', () => {
    expect(isPublicIpv4('8.8.8.8')).toBe(true);
    expect(isPublicIpv4('100.64.0.1')).toBe(false);
    expect(isPublicIpv4('0.0.0.0')).toBe(false);
    expect(isPublicIpv4('224.0.0.1')).toBe(false);
    expect(isPublicIpv6('2001:db8::1')).toBe(true);
    expect(isPublicIpv6('::')).toBe(false);
    expect(isPublicIpv6('ff02::1')).toBe(false);
  });
});
