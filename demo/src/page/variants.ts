/**
 * Material variants of a glTF (`KHR_materials_variants`). three.js's GLTFLoader keeps the
 * extension's data but does not switch variants itself: the variant names are in the file's
 * top-level extension, each mesh's mappings (variant indices → material index) in its
 * `userData.gltfExtensions`, and the materials are loaded on demand through the loader's parser,
 * which caches them.
 */
import type { Material, Mesh } from 'three';
import type { GLTF } from 'three/addons/loaders/GLTFLoader.js';

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
   * Show variant `name`: loads its materials (once; the parser caches them) and assigns them.
   * When calls overlap, the last one wins. Rejects on an unknown name.
   */
  select(name: string): Promise<void>;
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

  let current = initialVariant(gltf, names, targets);
  let latest = 0;

  return {
    names,
    get current() {
      return current;
    },
    async select(name) {
      const index = names.indexOf(name);
      if (index < 0) throw new Error(`Vantage demo: unknown variant "${name}" (known: ${names.join(', ')})`);
      const request = ++latest;
      const materials = await Promise.all(
        targets.map((t) => {
          const mapping = t.mappings.find((m) => m.variants.includes(index));
          return mapping === undefined ? t.original : (parser.getDependency('material', mapping.material) as Promise<Material>);
        }),
      );
      if (request !== latest) return; // a later selection overtook this one
      targets.forEach((t, i) => {
        t.mesh.material = materials[i] as Material | Material[];
        // Same final touches the loader gave the original (clones for vertex colours, tangents…).
        if (materials[i] !== t.original) parser.assignFinalMaterial(t.mesh);
      });
      current = name;
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
