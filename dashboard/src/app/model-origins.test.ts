import { describe, expect, it } from 'vitest';
import { allowedOrigins, blockedOrigin, needsReload } from './model-origins.js';

const page = 'http://127.0.0.1:7315/#/heatmap';

describe('model origins a dashboard page may load from', () => {
  it('are its own origin and those its meta tag names', () => {
    expect([...allowedOrigins(page, 'https://cdn.example http://127.0.0.1:8080')].sort()).toEqual(['http://127.0.0.1:7315', 'http://127.0.0.1:8080', 'https://cdn.example']);
    expect([...allowedOrigins(page, null)]).toEqual(['http://127.0.0.1:7315']);
    expect([...allowedOrigins(page, '  ')]).toEqual(['http://127.0.0.1:7315']);
  });

  it('blocks a model on another origin unless allowed; a path is the page\'s own origin', () => {
    const allowed = allowedOrigins(page, 'https://cdn.example');
    expect(blockedOrigin('/demo/assets/GlamVelvetSofa.glb', allowed, page)).toBeNull();
    expect(blockedOrigin('https://cdn.example/a/sofa.glb?v=1', allowed, page)).toBeNull();
    expect(blockedOrigin('https://other.example/sofa.glb', allowed, page)).toBe('https://other.example');
    expect(blockedOrigin('http://127.0.0.1:8080/sofa.glb', allowed, page)).toBe('http://127.0.0.1:8080');
  });

  it('asks for a reload only when an origin is missing', () => {
    const allowed = allowedOrigins(page, 'https://cdn.example');
    expect(needsReload([], allowed)).toBe(false);
    expect(needsReload(['https://cdn.example'], allowed)).toBe(false);
    expect(needsReload(['https://cdn.example', 'https://new.example'], allowed)).toBe(true);
  });
});
