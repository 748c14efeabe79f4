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
    ['https://localhost./c.json', 'must not name a local host'],
    ['https://foo.localhost./c.json', 'must not name a local host'],
    ['https://intranet./c.json', 'must be a fully qualified domain name'],
    ['https://[::127.0.0.1]/c.json', 'must not be a private address'],
    ['https://[::8.8.8.8]/c.json', 'must not be a private address'],
    ['https://[64:ff9b::127.0.0.1]/c.json', 'must not be a private address'],
    ['https://[64:ff9b:1::8.8.8.8]/c.json', 'must not be a private address'],
    ['https://[2002:7f00:1::]/c.json', 'must not be a private address'],
    ['https://[2002:a00:1::]/c.json', 'must not be a private address'],
    ['https://[2001:0:4136:e378::1]/c.json', 'must not be a private address'],
    ['https://[fec0::1]/c.json', 'must not be a private address'],
    ['https://[::]/c.json', 'must not be a private address'],
    ['https://[fc00::1]/c.json', 'must not be a private address'],
    ['https://[febf::1]/c.json', 'must not be a private address'],
    ['https://[ff02::1]/c.json', 'must not be a private address'],
    ['https://[::ffff:10.0.0.1]/c.json', 'must not be a private address'],
    ['https://[::ffff:a9fe:a9fe]/c.json', 'must not be a private address'],
    ['https://198.18.0.1/c.json', 'must not be a private address'],
    ['https://198.19.255.255/c.json', 'must not be a private address'],
    ['https://0.1.2.3/c.json', 'must not be a private address'],
    ['https://100.64.0.1/c.json', 'must not be a private address'],
    ['https://100.127.255.255/c.json', 'must not be a private address'],
    ['https://169.254.0.1/c.json', 'must not be a private address'],
    ['https://192.0.0.8/c.json', 'must not be a private address'],
    ['https://224.0.0.1/c.json', 'must not be a private address'],
    ['https://239.255.255.250/c.json', 'must not be a private address'],
    ['https://240.0.0.1/c.json', 'must not be a private address'],
    ['https://255.255.255.255/c.json', 'must not be a private address'],
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
    // Just outside the special ranges.
    expect(isPublicIpv4('100.128.0.1')).toBe(true);
    expect(isPublicIpv4('198.20.0.1')).toBe(true);
    expect(isPublicIpv4('192.0.1.1')).toBe(true);
    expect(isPublicIpv4('223.255.255.255')).toBe(true);
    expect(isPublicIpv4('01.2.3.4.5')).toBe(false);
    // Addresses that carry a public IPv4 address are judged by it.
    expect(isPublicIpv6('::ffff:8.8.8.8')).toBe(true);
    expect(isPublicIpv6('64:ff9b::808:808')).toBe(true);
    expect(isPublicIpv6('2002:808:808::1')).toBe(true);
    expect(isPublicIpv6('fe00::1')).toBe(true);
    expect(isPublicIpv6('not:an:address')).toBe(false);
    expect(isPublicIpv6('1:2:3:4:5:6:7:8:9')).toBe(false);
  });

  it('accepts public names written with a trailing dot and public embedded IPv4', () => {
    expect(documentUrlProblem('https://app.example.com./client.json')).toBeUndefined();
    expect(documentUrlProblem('https://[64:ff9b::8.8.8.8]/client.json')).toBeUndefined();
    expect(documentUrlProblem('https://[::ffff:8.8.8.8]/client.json')).toBeUndefined();
  });
});
