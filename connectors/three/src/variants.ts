/**
 * `@vantage/three/variants`: switching a glTF between its material variants
 * (`KHR_materials_variants`), for product configurators and for replays of their sessions.
 * three.js's GLTFLoader keeps the extension's data but does not switch variants itself: the
 * variant names are in the file's top-level extension, each mesh's mappings (variant indices →
 * material index) in its `userData.gltfExtensions`, and the materials are loaded on demand
 * through the loader's parser, which caches them.
 *
 * Replays show a variant when the session carries the custom event
 * {@link VARIANT_EVENT} (`variant_selected` with the variant's name in `variant`): send it when
 * the visitor switches.
 */
import type { Material, Mesh } from 'three';
import type { GLTF } from 'three/addons/loaders/GLTFLoader.js';

/** The custom event replays read a variant switch from: `client.custom('variant_selected', { variant: name })`. */
export const VARIANT_EVENT = { name: 'variant_selected', property: 'variant' } as const;

/** The extension's name in glTF JSON. */
const EXTENSION = 'KHR_materials_variants';

/** One mapping of a primitive: this material index for these variant indices. */
interface VariantMapping {
  material: number;
  variants: number[];
}

/** A mesh whose material changes with the variant. */
interface VariantTarget {
  mesh: Mesh;
  mappings: VariantMapping[];
  /** The material the file assigns by default, for variants the mesh has no mapping for. */
  original: Material | Material[];
}

/** Switches a loaded glTF between its material variants. */
export interface VariantSwitcher {
  /** Variant names in file order (empty when the file has none). */
  readonly names: readonly string[];
  /** The variant shown now, when the materials match one. */
  readonly current: string | undefined;
  /**
   * Show variant `name`: loads its materials (once; the parser caches them) and assigns them, at
   * once when they are already loaded ({@link VariantSwitcher.preload}). When calls overlap, the
   * last one wins. Rejects on an unknown name.
   */
  select(name: string): Promise<void>;
  /** Show the materials the file assigns by default (and drop a selection still loading). */
  reset(): void;
  /** Load every variant's materials now, so that `select` switches within the call. */
  preload(): Promise<void>;
  /** Every material the switcher has shown or loaded (to dispose of them with the model). */
  materials(): Material[];
}

/** Read the variants of `gltf` (loaded by GLTFLoader) and return a switcher over its meshes. */
export function createVariantSwitcher(gltf: GLTF): VariantSwitcher {
  const parser = gltf.parser;
  const extension = parser.json?.extensions?.[EXTENSION] as { variants?: Array<{ name?: unknown }> } | undefined;
  const names = (extension?.variants ?? []).map((v, i) => (typeof v.name === 'string' ? v.name : `variant ${i}`));
  const targets: VariantTarget[] = [];
  gltf.scene.traverse((object) => {
    const mesh = object as Mesh;
    if (mesh.isMesh !== true) return;
    const def = mesh.userData.gltfExtensions?.[EXTENSION] as { mappings?: VariantMapping[] } | undefined;
    if (Array.isArray(def?.mappings)) targets.push({ mesh, mappings: def.mappings, original: mesh.material });
  });

  const initial = initialVariant(gltf, names, targets);
  let current = initial;
  let latest = 0;
  // Each variant's material per target, once loaded.
  const loaded = new Map<number, Array<Material | Material[]>>();

  function load(index: number): Promise<Array<Material | Material[]>> {
    const done = loaded.get(index);
    if (done !== undefined) return Promise.resolve(done);
    return Promise.all(
      targets.map((t) => {
        const mapping = t.mappings.find((m) => m.variants.includes(index));
        return mapping === undefined ? t.original : (parser.getDependency('material', mapping.material) as Promise<Material>);
      }),
    ).then((materials) => {
      loaded.set(index, materials);
      return materials;
    });
  }

  function show(index: number, materials: ReadonlyArray<Material | Material[]>): void {
    targets.forEach((t, i) => {
      t.mesh.material = materials[i] as Material | Material[];
      // Same final touches the loader gave the original (clones for vertex colours, tangents…).
      if (materials[i] !== t.original) parser.assignFinalMaterial(t.mesh);
    });
    current = names[index];
  }

  return {
    names,
    get current() {
      return current;
    },
    select(name) {
      const index = names.indexOf(name);
      if (index < 0) return Promise.reject(new Error(`Vantage: unknown variant "${name}" (known: ${names.join(', ')})`));
      const request = ++latest;
      const ready = loaded.get(index);
      if (ready !== undefined) {
        show(index, ready);
        return Promise.resolve();
      }
      return load(index).then((materials) => {
        if (request === latest) show(index, materials); // else a later selection overtook this one
      });
    },
    reset() {
      latest++;
      for (const t of targets) t.mesh.material = t.original;
      current = initial;
    },
    async preload() {
      await Promise.all(names.map((_, index) => load(index)));
    },
    materials() {
      const all = new Set<Material>();
      const add = (m: Material | Material[]) => (Array.isArray(m) ? m : [m]).forEach((one) => all.add(one));
      for (const t of targets) {
        add(t.original);
        add(t.mesh.material);
      }
      for (const list of loaded.values()) list.forEach(add);
      return [...all];
    },
  };
}

/** The variant whose mappings name exactly the materials the file assigns by default, if one does. */
function initialVariant(gltf: GLTF, names: readonly string[], targets: readonly VariantTarget[]): string | undefined {
  if (targets.length === 0) return undefined;
  const materialIndex = (material: Material | Material[]): number | undefined =>
    Array.isArray(material) ? undefined : gltf.parser.associations.get(material)?.materials;
  return names.find((_, index) =>
    targets.every((t) => {
      const mapping = t.mappings.find((m) => m.variants.includes(index));
      return mapping !== undefined && mapping.material === materialIndex(t.original);
    }),
  );
}
