import { describe, expect, it } from 'vitest';
import { loadConfig, type TrustProxy } from '../config.js';
import { clientAddress, createClientAddressResolver, parseTrustedProxies } from './client-address.js';
import { PrivacyError } from './errors.js';

const off: TrustProxy = { kind: 'off' };
const hops = (n: number): TrustProxy => ({ kind: 'hops', hops: n });
const cidrs = (...list: string[]): TrustProxy => ({ kind: 'cidrs', cidrs: list });

describe('clientAddress', () => {
  it('with TRUST_PROXY off takes the socket address and ignores X-Forwarded-For', () => {
    expect(clientAddress('198.51.100.7', '203.0.113.9', off)).toBe('198.51.100.7');
    expect(clientAddress('198.51.100.7', undefined, off)).toBe('198.51.100.7');
    // The configuration as loadConfig reads it, not only a literal.
    expect(clientAddress('198.51.100.7', '203.0.113.9', loadConfig({}).trustProxy)).toBe('198.51.100.7');
  });

  it('reports IPv4-mapped IPv6 socket addresses as IPv4 and IPv6 in RFC 5952 form', () => {
    expect(clientAddress('::ffff:198.51.100.7', undefined, off)).toBe('198.51.100.7');
    expect(clientAddress('2001:DB8:0:0:0:0:0:1', undefined, off)).toBe('2001:db8::1');
    expect(clientAddress('fe80::1%eth0', undefined, off)).toBe('fe80::1');
  });

  it('answers null when the socket has no address', () => {
    expect(clientAddress(undefined, '203.0.113.9', off)).toBeNull();
    expect(clientAddress(undefined, '203.0.113.9', hops(1))).toBeNull();
    expect(clientAddress('not-an-ip', '203.0.113.9', cidrs('10.0.0.0/8'))).toBeNull();
  });

  describe('with a hop count', () => {
    const chain = '203.0.113.9, 192.0.2.1, 10.0.0.2';

    it('takes the address N places left of the socket address', () => {
      expect(clientAddress('10.0.0.3', chain, hops(0))).toBe('10.0.0.3');
      expect(clientAddress('10.0.0.3', chain, hops(1))).toBe('10.0.0.2');
      expect(clientAddress('10.0.0.3', chain, hops(2))).toBe('192.0.2.1');
      expect(clientAddress('10.0.0.3', chain, hops(3))).toBe('203.0.113.9');
    });

    it('gives the leftmost entry of a chain shorter than the hop count', () => {
      expect(clientAddress('10.0.0.3', chain, hops(9))).toBe('203.0.113.9');
      expect(clientAddress('10.0.0.3', undefined, hops(2))).toBe('10.0.0.3');
    });

    it('does not believe entries a client prepended beyond the trusted hops', () => {
      // The client sent "X-Forwarded-For: 1.2.3.4"; our one proxy appended the real peer.
      expect(clientAddress('10.0.0.3', '1.2.3.4, 203.0.113.9', hops(1))).toBe('203.0.113.9');
    });

    it('reads repeated headers, ports, brackets and IPv4-mapped entries', () => {
      expect(clientAddress('10.0.0.3', ['203.0.113.9', '192.0.2.1:4711'], hops(1))).toBe('192.0.2.1');
      expect(clientAddress('10.0.0.3', ['203.0.113.9', '192.0.2.1:4711'], hops(2))).toBe('203.0.113.9');
      expect(clientAddress('10.0.0.3', '[2001:db8::7]:443', hops(1))).toBe('2001:db8::7');
      expect(clientAddress('10.0.0.3', '[2001:db8::7]', hops(1))).toBe('2001:db8::7');
      expect(clientAddress('10.0.0.3', '2001:db8::7', hops(1))).toBe('2001:db8::7');
      expect(clientAddress('10.0.0.3', '::ffff:203.0.113.9', hops(1))).toBe('203.0.113.9');
    });

    it('stops at an entry that is not an address and gives the proxy that passed it on', () => {
      expect(clientAddress('10.0.0.3', '203.0.113.9, unknown, 10.0.0.2', hops(3))).toBe('10.0.0.2');
      expect(clientAddress('10.0.0.3', 'unknown', hops(1))).toBe('10.0.0.3');
      // Loose IPv4 forms that ipaddr.js would accept (127.1, hex, octal) are not addresses here.
      expect(clientAddress('10.0.0.3', '127.1', hops(1))).toBe('10.0.0.3');
      expect(clientAddress('10.0.0.3', '0x7f.0.0.1', hops(1))).toBe('10.0.0.3');
      expect(clientAddress('10.0.0.3', '010.0.0.1', hops(1))).toBe('10.0.0.3');
    });
  });

  describe('with trusted networks', () => {
    const trust = cidrs('10.0.0.0/8', '2001:db8:ffff::/48', '192.0.2.1');

    it('skips trusted addresses from the right and takes the first untrusted one', () => {
      expect(clientAddress('10.0.0.3', '203.0.113.9, 192.0.2.1, 10.0.0.2', trust)).toBe('203.0.113.9');
      expect(clientAddress('10.0.0.3', '1.2.3.4, 203.0.113.9, 10.0.0.2', trust)).toBe('203.0.113.9');
    });

    it('looks at X-Forwarded-For only when the socket peer is trusted', () => {
      expect(clientAddress('198.51.100.7', '203.0.113.9', trust)).toBe('198.51.100.7');
      expect(clientAddress('198.51.100.7', '10.0.0.2', trust)).toBe('198.51.100.7');
    });

    it('matches IPv6 networks, and IPv4-mapped sockets against IPv4 networks', () => {
      expect(clientAddress('2001:db8:ffff::5', '2001:db8:1::9', trust)).toBe('2001:db8:1::9');
      expect(clientAddress('::ffff:10.1.2.3', '203.0.113.9', trust)).toBe('203.0.113.9');
      expect(clientAddress('2001:db8:fffe::5', '203.0.113.9', trust)).toBe('2001:db8:fffe::5');
      // An IPv4-mapped IPv6 range is the IPv4 range it maps.
      expect(clientAddress('10.1.2.3', '203.0.113.9', cidrs('::ffff:10.0.0.0/104'))).toBe('203.0.113.9');
    });

    it('gives the leftmost entry when the whole chain is trusted', () => {
      expect(clientAddress('10.0.0.3', '10.9.9.9, 10.0.0.2', trust)).toBe('10.9.9.9');
    });

    it('stops at an entry that is not an address', () => {
      expect(clientAddress('10.0.0.3', '203.0.113.9, garbage, 10.0.0.2', trust)).toBe('10.0.0.2');
    });
  });

  it('compiles a configuration once and reuses it', () => {
    const resolve = createClientAddressResolver(cidrs('10.0.0.0/8'));
    expect(resolve('10.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
    expect(resolve('10.0.0.1', undefined)).toBe('10.0.0.1');
  });
});

describe('parseTrustedProxies', () => {
  it('accepts CIDRs and single addresses of both families', () => {
    expect(parseTrustedProxies(['10.0.0.0/8', ' 192.0.2.1 ', '2001:DB8::/32', '::1', '::ffff:10.0.0.0/104', '0.0.0.0/0']).cidrs).toEqual([
      '10.0.0.0/8',
      '192.0.2.1/32',
      '2001:db8::/32',
      '::1/128',
      '10.0.0.0/8',
      '0.0.0.0/0',
    ]);
  });

  it.each(['10.0.0/8', '10.0.0.0/33', '2001:db8::/129', '10.0.0.0/', '10.0.0.0/8/8', 'localhost', '127.1', 'fe80::1%eth0', '10.0.0.0/-1', ''])(
    'refuses %j with a message naming it',
    (entry) => {
      const attempt = () => parseTrustedProxies([entry]);
      expect(attempt).toThrow(PrivacyError);
      expect(attempt).toThrow(`"${entry}" is not an IP address or a CIDR range`);
    },
  );

  it('is what createClientAddressResolver checks a configuration with', () => {
    expect(() => createClientAddressResolver(cidrs('10.0.0.0/8', '10.0.0/8'))).toThrow(/"10\.0\.0\/8" is not/);
  });
});
