import { describe, expect, it } from 'vitest';
import { isModelUrl, parseScenePatch } from './scenes.js';

describe('a scene model URL', () => {
  it('is an http(s) URL or a path on this collector', () => {
    for (const url of ['https://cdn.example/sofa.glb', 'http://127.0.0.1:8080/models/a.gltf?v=2', '/demo/assets/GlamVelvetSofa.glb', '/m.glb']) {
      expect(isModelUrl(url), url).toBe(true);
      expect(parseScenePatch({ modelUrl: url })).toEqual({ modelUrl: url });
    }
    expect(parseScenePatch({ modelUrl: null })).toEqual({ modelUrl: null });
  });

  it('refuses other schemes, protocol-relative URLs, bare names, whitespace and overlong URLs', () => {
    const refused = [
      'javascript:alert(1)',
      'data:model/gltf-binary;base64,AAAA',
      'ftp://example.com/a.glb',
      '//evil.example/a.glb',
      '/\\evil.example/a.glb',
      'models/a.glb',
      'https://',
      '/a b.glb',
      '/a\u0000.glb',
      `/${'a'.repeat(2048)}`,
    ];
    for (const url of refused) {
      expect(isModelUrl(url), url).toBe(false);
      expect(() => parseScenePatch({ modelUrl: url }), url).toThrow('modelUrl must be an http(s) URL, a path on this collector (/…), or null');
    }
    expect(() => parseScenePatch({ modelUrl: 42 })).toThrow('modelUrl must be');
  });
});
